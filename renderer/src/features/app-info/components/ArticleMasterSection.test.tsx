import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { demoCatalog } from '../../../../../shared/erezept/catalog/demo-catalog';
import type { ArticleImportSummary } from '../../../../../shared/erezept/catalog/article-catalog';
import { createFakeBridge, type FakeBridgeOptions } from '../../../test/fake-bridge';
import { appError, appInfo } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';
import { importProblems } from './ArticleMasterSection';

/** A master file as a pharmacy's data vendor delivers it (format v1, docs/article-master.md); the fake counts its lines. */
const MASTER = '#Artikelstamm;Version=1;Quelle=Muster-Daten;Stand=2026-11-01\npzn;name\n41879197;Ibuprofen\n41958382;Ibuprofen\n';
const csv = (text: string, name = 'artikelstamm.csv') => new File([text], name, { type: 'text/csv' });

/** Main's refusal of a file with problems: the first in the message, every one on its own line in the detail. */
const REFUSED = appError({
  code: 'validation',
  message: 'Artikelstamm nicht eingelesen, es wurde nichts geändert. Zeile 3, Feld „pzn“: Prüfziffer falsch. (2 Probleme, alle unter „Technische Details“)',
  detail: 'Zeile 3, Feld „pzn“: Prüfziffer falsch.\nZeile 4, Feld „staerken“: 2 Wirkstoffe, aber 1 Stärke.',
});

async function openSection(options: FakeBridgeOptions = {}) {
  const fake = createFakeBridge({ appInfo: appInfo({ backend: 'simulator' }), ...options });
  const rendered = renderWithProviders({ bridge: fake.bridge });
  await rendered.user.click(await screen.findByTestId('app-settings-open'));
  const section = within(screen.getByTestId('app-settings')).getByTestId('article-master-section');
  return { fake, section, ...rendered };
}

describe('„Artikelstamm“ in the settings (issue 19 item 2, docs/article-master.md)', () => {
  it('shows the built-in demo catalogue; with the embedded simulator there is nothing to import', async () => {
    const { section, fake } = await openSection({ appInfo: appInfo({ backend: 'embedded' }) });
    const source = await within(section).findByTestId('article-master-source');
    expect(source).toHaveAttribute('data-kind', 'demo');
    expect(source).toHaveTextContent('Demo-Katalog eingebaut – fiktive Artikel für Schulung und Test');
    expect(source).toHaveTextContent(`(${demoCatalog.all().length} Artikel)`);
    expect(within(section).getByTestId('article-master-demo-only')).toHaveTextContent('gilt immer der Demo-Katalog');
    expect(within(section).getByTestId('article-master-file')).toBeDisabled();
    expect(fake.calls.importArticles).not.toHaveBeenCalled();
  });

  it('shows an imported master: source, date, count, when and by whom', async () => {
    const fake = createFakeBridge({ appInfo: appInfo({ backend: 'simulator' }) });
    fake.calls.articleCatalogInfo.mockResolvedValue({
      ok: true,
      data: { kind: 'imported', articleCount: 100_000, source: 'Muster-Daten', asOf: '2026-11-01', importedAt: '2026-11-05T09:30:00.000Z', importedBy: 'MK' },
    } as never);
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.click(await screen.findByTestId('app-settings-open'));
    const section = screen.getByTestId('article-master-section');
    expect(await within(section).findByTestId('article-master-source')).toHaveAttribute('data-kind', 'imported');
    expect(within(section).getByTestId('article-master-origin')).toHaveTextContent('Muster-Daten');
    expect(within(section).getByTestId('article-master-as-of')).toHaveTextContent('01.11.2026');
    expect(within(section).getByTestId('article-master-count')).toHaveTextContent('100.000');
    expect(within(section).getByTestId('article-master-imported-at')).toHaveTextContent(/05\.11\.2026.*10:30.*von MK/);
  });

  it('imports the chosen file through main, says how many articles, and shows the new master', async () => {
    let answer: (summary: ArticleImportSummary) => void = () => undefined;
    const { section, fake, user } = await openSection({ importArticles: () => ({ articleCount: 100_000, source: 'Muster-Daten', asOf: '2026-11-01', importedAt: '2026-11-05T09:30:00.000Z' }) });
    const input = await within(section).findByTestId('article-master-file');
    expect(input).toHaveAttribute('accept', '.csv,text/csv');
    expect(input).toBeEnabled();
    // main takes its time with 100,000 articles: the section says so meanwhile
    const original = fake.calls.importArticles.getMockImplementation()!;
    fake.calls.importArticles.mockImplementationOnce(
      (file) => new Promise((resolve) => (answer = (summary) => resolve(original(file).then(() => ({ ok: true as const, data: summary }))))),
    );
    await user.upload(input, csv(MASTER));
    expect(await within(section).findByTestId('article-master-busy')).toHaveTextContent('„artikelstamm.csv“ wird importiert');
    expect(input).toBeDisabled();
    answer({ articleCount: 100_000, source: 'Muster-Daten', asOf: '2026-11-01', importedAt: '2026-11-05T09:30:00.000Z' });
    expect(await within(section).findByTestId('article-master-result')).toHaveTextContent('100.000 Artikel importiert aus „artikelstamm.csv“');
    expect(fake.calls.importArticles).toHaveBeenCalledWith({ fileName: 'artikelstamm.csv', text: MASTER });
    // main's catalogue info is asked again: the imported master answers now
    expect(await within(section).findByTestId('article-master-count')).toHaveTextContent('100.000');
    expect(within(section).getByTestId('article-master-source')).toHaveAttribute('data-kind', 'imported');
    expect(within(section).queryByTestId('article-master-busy')).not.toBeInTheDocument();
    expect(input).toBeEnabled();
  });

  it('lists every problem of a refused file with line and field, and says nothing changed', async () => {
    const { section, fake, user } = await openSection({ importArticles: () => REFUSED });
    await user.upload(await within(section).findByTestId('article-master-file'), csv('pzn;name\n', 'kaputt.csv'));
    const error = await within(section).findByTestId('article-master-error');
    expect(error).toHaveAttribute('role', 'alert');
    expect(error).toHaveTextContent('Artikelstamm nicht eingelesen, es wurde nichts geändert.');
    expect(within(section).getAllByTestId('article-master-problem').map((li) => li.textContent)).toEqual([
      'Zeile 3, Feld „pzn“: Prüfziffer falsch.',
      'Zeile 4, Feld „staerken“: 2 Wirkstoffe, aber 1 Stärke.',
    ]);
    expect(within(section).getByTestId('article-master-unchanged')).toHaveTextContent('Es wurde nichts geändert: Der bisherige Artikelstamm gilt weiter.');
    expect(within(section).getByTestId('article-master-source')).toHaveAttribute('data-kind', 'demo');
    expect(within(section).queryByTestId('article-master-result')).not.toBeInTheDocument();
    expect(fake.calls.importArticles).toHaveBeenCalledTimes(1);
  });

  it('asks for the Kürzel first; nothing is sent without it', async () => {
    const { section, fake } = await openSection({ appInfo: appInfo({ backend: 'simulator', staff: null }) });
    expect(await within(section).findByTestId('article-master-staff-hint')).toHaveTextContent('zuerst das eigene Kürzel wählen');
    expect(within(section).getByTestId('article-master-file')).toBeDisabled();
    expect(fake.calls.importArticles).not.toHaveBeenCalled();
  });

  it('refuses a file over 64 MiB before reading or sending it', async () => {
    const { section, fake, user } = await openSection();
    const huge = csv('#Artikelstamm;Version=1\n', 'riesig.csv');
    Object.defineProperty(huge, 'size', { value: 64 * 1024 * 1024 + 1 });
    await user.upload(await within(section).findByTestId('article-master-file'), huge);
    expect(await within(section).findByTestId('article-master-error')).toHaveTextContent('„riesig.csv“ ist zu groß (höchstens 64 MB). Es wurde nichts geändert.');
    expect(fake.calls.importArticles).not.toHaveBeenCalled();
  });
});

describe('importProblems', () => {
  it('takes the problems of a refused file from main’s detail, or from findings, and nothing from other failures', () => {
    expect(importProblems(REFUSED)).toHaveLength(2);
    expect(importProblems(appError({ code: 'validation', detail: 'Zeile 2: x\n\n… und 3 weitere\n' }))).toEqual(['Zeile 2: x', '… und 3 weitere']);
    expect(importProblems(appError({ code: 'validation', findings: [{ severity: 'error', code: 'custom', message: 'Zeile 5, Feld „pzn“: fehlt.' }] }))).toEqual([
      'Zeile 5, Feld „pzn“: fehlt.',
    ]);
    expect(importProblems(appError({ code: 'internal', detail: 'Incident 1234' }))).toEqual([]);
  });
});
