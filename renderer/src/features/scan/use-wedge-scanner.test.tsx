import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Article, ArticleCatalog } from '../../../../shared/erezept/catalog/article-catalog';
import type { Pzn } from '../../../../shared/erezept/identifiers';
import { ntinOf } from '../../../../shared/erezept/pack-code';
import { catalogForTests } from '../../test/catalog';
import { createFakeBridge } from '../../test/fake-bridge';
import { caseDetail, entry, ids, pznMedication } from '../../test/fixtures';
import { humanTiming, renderWithProviders, scannerTiming } from '../../test/render-app';

const ibuprofen: Article = {
  pzn: '04773414' as Pzn,
  name: 'Ibudolor 400 mg Filmtabletten',
  packSize: '20 St',
  normSize: 'N1',
  form: 'FTA',
  ingredients: [{ name: 'Ibuprofen', strengthValue: 400, strengthUnit: 'mg' }],
  category: '00',
  vaccine: false,
  securPharm: true,
};
const catalog: ArticleCatalog = catalogForTests([ibuprofen]);

const GS = '\u001d';
/** GS1 securPharm code: NTIN, expiry 30.06.2028, batch, GS, serial. */
const pack = (batch: string, serial: string, pzn = ibuprofen.pzn) => `01${ntinOf(pzn)}17280630${'10' + batch}${GS}21${serial}`;
/** user-event reads { and [ as key descriptors: a scanner types them literally. */
const keys = (text: string) => `${text.replace(/[{[]/g, (c) => c + c)}{Enter}`;
const token = `{"urls":["Task/${ids.first}/$accept?ac=777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea"]}`;

async function openCase(options: { scanner: ReturnType<typeof scannerTiming>; detail?: ReturnType<typeof caseDetail> }) {
  const fake = createFakeBridge({ cases: [options.detail ?? caseDetail()] });
  const rendered = renderWithProviders({ bridge: fake.bridge, catalog, initialCase: ids.first, scanner: options.scanner });
  await screen.findByTestId('dispense-form');
  return { ...rendered, fake };
}

const field = (index: number, name: string) => screen.getByTestId(`dispense-entry-${index}-${name}`);

describe('wedge scans in the dispense editor', () => {
  it('a pack scanned into the focused entry fills PZN, article, batch, expiry and serial', async () => {
    const { user } = await openCase({ scanner: scannerTiming() });
    await user.click(field(0, 'batch'));

    await user.keyboard(keys(pack('LOT77', 'SN1')));

    expect(field(0, 'pzn')).toHaveValue(ibuprofen.pzn);
    expect(field(0, 'name')).toHaveValue(ibuprofen.name);
    expect(field(0, 'batch')).toHaveValue('LOT77');
    expect(field(0, 'expiry')).toHaveValue('2028-06-30');
    expect(field(0, 'serials')).toHaveTextContent('SN1');
    expect(field(0, 'substituted')).toBeChecked();
    expect(screen.getByTestId('pack-scan-result')).toHaveAttribute('data-outcome', 'filled');
  });

  it("leaves none of the scanner's characters in the focused field", async () => {
    const detail = caseDetail({ draft: [entry({ medication: pznMedication({ pzn: ibuprofen.pzn }), batch: { lot: 'LOT77', expiry: '2028-06-30' }, serials: ['SN1'] })] });
    // the pharmacist types (slowly), then the scanner fires (fast)
    let step = 150;
    let now = 0;
    const { user } = await openCase({ scanner: { now: () => (now += step) }, detail });
    await user.click(field(0, 'dosage'));
    await user.type(field(0, 'dosage'), '1-0-1', { skipClick: true });
    now += 1000; // the pharmacist pauses, then scans
    step = 5;

    await user.keyboard(keys(pack('LOT77', 'SN2')));

    // same PZN and batch: the entry counts a second pack; the dosage keeps what the pharmacist typed
    expect(screen.getByTestId('pack-scan-result')).toHaveAttribute('data-outcome', 'counted');
    expect(field(0, 'packs')).toHaveValue(2);
    expect(field(0, 'dosage')).toHaveValue('1-0-1');
    expect(field(0, 'dosage')).toHaveFocus();
  });

  it('takes a person typing into a field for typing, Enter included', async () => {
    const { user } = await openCase({ scanner: humanTiming() });
    await user.click(field(0, 'batch'));
    await user.keyboard('CH20261105{Enter}');
    expect(field(0, 'batch')).toHaveValue('CH20261105');
    expect(screen.queryByTestId('pack-scan-result')).not.toBeInTheDocument();
    expect(screen.queryByTestId('pack-scan-error')).not.toBeInTheDocument();
  });

  it('sends an E-Rezept code scanned while an editor field has focus to scanCode and restores the field', async () => {
    const { user, fake } = await openCase({ scanner: scannerTiming() });
    await user.click(field(0, 'batch'));
    await user.keyboard(keys(token));
    await waitFor(() => expect(fake.calls.scanCode).toHaveBeenCalledWith({ text: token }));
    expect(field(0, 'batch')).toHaveValue('');
  });

  it('explains an unreadable pack code and changes nothing', async () => {
    const { user } = await openCase({ scanner: scannerTiming() });
    await user.click(field(0, 'batch'));
    await user.keyboard(keys(`01${ntinOf(ibuprofen.pzn).slice(0, 13)}917280630`));
    expect(screen.getByTestId('pack-scan-error')).toHaveTextContent('Packungscode nicht lesbar');
    expect(field(0, 'pzn')).toHaveValue('06313728');
  });
});

describe('wedge scans elsewhere', () => {
  it('says that a pack needs an open prescription when none is open', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    const { user } = renderWithProviders({ bridge: fake.bridge, catalog, scanner: scannerTiming() });
    await screen.findByTestId('inbox');
    await user.click(screen.getByTestId('nav-inbox'));
    await user.keyboard(keys(pack('LOT1', 'SN1')));
    const alert = screen.getByTestId('pack-scan-error');
    expect(alert).toHaveAttribute('data-reason', 'no-target');
    expect(alert).toHaveTextContent(`PZN ${ibuprofen.pzn}`);
  });

  it('scans nothing into a case behind an open confirmation dialog', async () => {
    const { user } = await openCase({ scanner: scannerTiming() });
    await user.click(screen.getByTestId('reject-case'));
    const dialog = screen.getByRole('dialog');
    await user.keyboard(keys(pack('LOT1', 'SN1')));
    expect(screen.queryByTestId('pack-scan-result')).not.toBeInTheDocument();
    // the scanner's Enter did not press the focused Cancel button either
    expect(dialog).toBeInTheDocument();
    expect(within(dialog).getByTestId('reject-dialog-cancel')).toHaveFocus();
  });
});
