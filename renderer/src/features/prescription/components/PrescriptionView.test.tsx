import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { createFakeBridge } from '../../../test/fake-bridge';
import { caseDetail, ids, prescription } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';
import { PrescriptionView } from './PrescriptionView';

function show(detail: CaseDetail) {
  return renderWithProviders({ bridge: createFakeBridge().bridge, ui: <PrescriptionView caseDetail={detail} /> });
}

describe('prescription view', () => {
  it('shows id, patient, coverage, prescriber, medication, quantity, dosage and both deadlines', () => {
    show(caseDetail());
    expect(screen.getByTestId('prescription-id')).toHaveTextContent(ids.first);
    expect(screen.getByTestId('patient-name')).toHaveTextContent('Ludger Königsstein');
    expect(screen.getByTestId('patient-birth-date')).toHaveTextContent('22.06.1935');
    expect(screen.getByTestId('patient-kvnr')).toHaveTextContent('X110411675');
    expect(screen.getByTestId('coverage-payor')).toHaveTextContent('AOK Rheinland/Hamburg');
    expect(screen.getByTestId('coverage-kind')).toHaveTextContent('Gesetzlich versichert (GKV)');
    expect(screen.getByTestId('prescriber-name')).toHaveTextContent('Dr. med. Hans Topp-Glücklich');
    expect(screen.getByTestId('prescriber-practice')).toHaveTextContent('Hausarztpraxis Dr. Topp-Glücklich');
    expect(screen.getByTestId('medication-name')).toHaveTextContent('Sumatriptan-1a Pharma 100 mg Tabletten');
    expect(screen.getByTestId('medication-pzn')).toHaveTextContent('06313728');
    expect(screen.getByTestId('medication-pack-size')).toHaveTextContent('20 St');
    expect(screen.getByTestId('medication-norm-size')).toHaveTextContent('N1');
    expect(screen.getByTestId('prescription-quantity')).toHaveTextContent('1');
    expect(screen.getByTestId('prescription-dosage')).toHaveTextContent('1-0-1-0');
    // A_23797: Belieferungsfrist and Einlösefrist are shown on download
    expect(screen.getByTestId('accept-date')).toHaveTextContent('bis 29.10.2026');
    expect(screen.getByTestId('expiry-date')).toHaveTextContent('bis 01.01.2027');
    expect(screen.getByTestId('flow-type')).toHaveTextContent('Apothekenpflichtige Arzneimittel (GKV)');
    expect(screen.queryByTestId('t-rezept-marker')).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('marks a T-Rezept (flow type 166) visibly', () => {
    show(caseDetail({ prescription: prescription({ prescriptionId: ids.tRezept }) }));
    expect(screen.getByTestId('t-rezept-marker')).toHaveTextContent('T-Rezept');
    expect(screen.getByTestId('flow-type')).toHaveTextContent('§ 3a AMVV');
  });

  it('shows aut idem, Noctu, accident and the MVO part with its window', () => {
    const base = prescription();
    show(
      caseDetail({
        prescription: prescription({
          request: {
            ...base.request,
            autIdemExcluded: true,
            noctu: true,
            accident: { kind: 'arbeitsunfall', date: '2026-09-30', employer: 'Dachdeckerei Schmidt' },
            mvo: { numerator: 2, denominator: 4, start: '2026-11-01', end: '2027-01-31' },
          },
        }),
      }),
    );
    expect(screen.getByTestId('flag-aut-idem')).toHaveTextContent('Austausch ausgeschlossen');
    expect(screen.getByTestId('flag-noctu')).toHaveTextContent('Noctu');
    expect(screen.getByTestId('flag-accident')).toHaveTextContent('Arbeitsunfall, am 30.09.2026, Arbeitgeber: Dachdeckerei Schmidt');
    expect(screen.getByTestId('flag-mvo')).toHaveTextContent('Teil 2 von 4, einlösbar 01.11.2026 bis 31.01.2027');
  });

  it('shows a Freitext prescription with the reminder to check it', () => {
    show(caseDetail({ prescription: prescription({ medication: { kind: 'freitext', text: 'Ibuprofen 400 mg, 20 Stück', vaccine: false } }) }));
    expect(screen.getByTestId('medication-text')).toHaveTextContent('Ibuprofen 400 mg, 20 Stück');
    expect(screen.getByTestId('freitext-hint')).toHaveTextContent('Vollständigkeit einschließlich Dosierung');
  });

  it('lists the ingredients of a Wirkstoff prescription and the components of a Rezeptur', () => {
    const { unmount } = show(
      caseDetail({
        prescription: prescription({
          medication: { kind: 'wirkstoff', name: 'Ramipril', ingredients: [{ name: 'Ramipril', strength: '5 mg' }], form: 'TAB', vaccine: false },
        }),
      }),
    );
    expect(screen.getByTestId('medication-ingredients')).toHaveTextContent('Ramipril 5 mg');
    unmount();
    show(
      caseDetail({
        prescription: prescription({
          medication: {
            kind: 'rezeptur',
            name: 'Hydrophile Creme',
            ingredients: [
              { name: 'Triamcinolonacetonid', strength: '0,1 g' },
              { name: 'Basiscreme DAC', strength: 'ad 100,0 g' },
            ],
            instructions: 'Lege artis',
            vaccine: false,
          },
        }),
      }),
    );
    const components = screen.getByTestId('medication-components');
    expect(within(components).getAllByRole('listitem')).toHaveLength(2);
    expect(components).toHaveTextContent('Basiscreme DAC ad 100,0 g');
  });

  it("shows the reader's findings as warnings", () => {
    show(
      caseDetail({
        prescription: prescription({
          findings: [{ severity: 'warning', code: 'kvnr-checksum', message: 'KVNR hat eine falsche Prüfziffer: X123456789' }],
        }),
      }),
    );
    expect(screen.getByTestId('prescription-findings')).toHaveTextContent('Warnung: KVNR hat eine falsche Prüfziffer');
  });

  it('shows why a prescription cannot be displayed as an alert', () => {
    show(caseDetail({ prescription: null, prescriptionError: 'KBV-Version nicht unterstützt' }));
    const alert = screen.getByRole('alert');
    expect(alert).toHaveAttribute('data-testid', 'prescription-error');
    expect(alert).toHaveTextContent('KBV-Version nicht unterstützt');
    expect(screen.getByTestId('prescription-id')).toHaveTextContent(ids.first);
  });

  it('shows the Rechtsgrundlage; plain 00 without a note, an old stored view without it', () => {
    const { unmount } = show(caseDetail({ prescription: prescription({ legalBasis: { code: '00', label: 'Ohne Besonderheit' } }) }));
    expect(screen.getByTestId('legal-basis')).toHaveTextContent('Ohne Besonderheit');
    expect(screen.queryByTestId('legal-basis-notes')).not.toBeInTheDocument();
    unmount();
    // views stored before the reader knew the legal basis have none: nothing is shown, nothing guessed
    show(caseDetail());
    expect(screen.queryByTestId('legal-basis')).not.toBeInTheDocument();
    expect(screen.queryByTestId('legal-basis-notes')).not.toBeInTheDocument();
  });

  it('explains an Entlassrezept with the short Belieferungsfrist the Task carries, and small packs', () => {
    show(
      caseDetail({
        prescription: prescription({ legalBasis: { code: '04', label: 'Entlassmanagement' } }),
        // the Fachdienst's 3 working days from a Friday: Friday, Saturday, Monday (A_19517)
        acceptDate: '2026-10-05',
        expiryDate: '2027-01-01',
      }),
    );
    expect(screen.getByTestId('legal-basis')).toHaveTextContent('Entlassmanagement');
    expect(screen.getByTestId('accept-date')).toHaveTextContent('bis 05.10.2026');
    const note = screen.getByTestId('legal-basis-note-discharge');
    expect(note).toHaveTextContent('Entlassrezept: zulasten der Krankenkasse nur bis 05.10.2026');
    expect(note).toHaveTextContent('kleinste Packung');
    expect(screen.queryByTestId('legal-basis-note-replacement')).not.toBeInTheDocument();
  });

  it('explains an Ersatzverordnung (no co-payment) and combines it with Entlassmanagement (14)', () => {
    const { unmount } = show(caseDetail({ prescription: prescription({ legalBasis: { code: '10', label: 'Ersatzverordnung' } }) }));
    expect(screen.getByTestId('legal-basis-note-replacement')).toHaveTextContent('ohne Zuzahlung');
    expect(screen.queryByTestId('legal-basis-note-discharge')).not.toBeInTheDocument();
    unmount();
    show(caseDetail({ prescription: prescription({ legalBasis: { code: '14', label: 'Entlassmanagement mit Ersatzverordnung' } }) }));
    expect(screen.getByTestId('legal-basis-notes')).toHaveAttribute('data-code', '14');
    expect(screen.getByTestId('legal-basis-note-discharge')).toHaveTextContent('nur bis 29.10.2026');
    expect(screen.getByTestId('legal-basis-note-replacement')).toBeInTheDocument();
  });

  it('says that ASV and TSS change nothing for the dispense, and shows an unknown code by its code only', () => {
    const { unmount } = show(caseDetail({ prescription: prescription({ legalBasis: { code: '01', label: 'ASV (ambulante spezialfachärztliche Versorgung)' } }) }));
    expect(screen.getByTestId('legal-basis-note-asv')).toHaveTextContent('wie bei einem üblichen Kassenrezept');
    unmount();
    const { unmount: unmount2 } = show(caseDetail({ prescription: prescription({ legalBasis: { code: '17', label: 'TSS mit Ersatzverordnung' } }) }));
    expect(screen.getByTestId('legal-basis-note-tss')).toHaveTextContent('Terminservicestelle');
    expect(screen.getByTestId('legal-basis-note-replacement')).toBeInTheDocument();
    unmount2();
    show(caseDetail({ prescription: prescription({ legalBasis: { code: '99', label: 'Rechtsgrundlage 99' } }) }));
    expect(screen.getByTestId('legal-basis')).toHaveTextContent('Rechtsgrundlage 99');
    expect(screen.queryByTestId('legal-basis-notes')).not.toBeInTheDocument();
  });

  it("shows the Task's own deadlines, never ones derived from the issue date, and explains them", () => {
    // issued 01.10.2026; a Task with dates that no rule of thumb would give (the Fachdienst's are authoritative)
    show(caseDetail({ prescription: prescription({ authoredOn: '2026-10-01' }), acceptDate: '2026-10-13', expiryDate: '2026-11-20' }));
    expect(screen.getByTestId('authored-on')).toHaveTextContent('01.10.2026');
    expect(screen.getByTestId('accept-date')).toHaveTextContent('bis 13.10.2026');
    expect(screen.getByTestId('expiry-date')).toHaveTextContent('bis 20.11.2026');
    expect(screen.getByTestId('prescription-view')).not.toHaveTextContent('29.10.2026');
    const help = screen.getByTestId('deadline-help');
    expect(help).toHaveTextContent('Fristen erklärt');
    expect(help).toHaveTextContent('Bis zu diesem Tag zahlt die Krankenkasse. Danach nur noch als Privatrezept – der Patient zahlt selbst.');
    expect(help).toHaveTextContent('Einlösefrist: Danach darf das Rezept nicht mehr beliefert werden.');
    expect(help).toHaveTextContent('legt der E-Rezept-Fachdienst fest');
  });

  it('says when both deadlines end on the same day (PKV, T-Rezept) and gives a T-Rezept its short deadline', () => {
    const { unmount } = show(caseDetail({ acceptDate: '2027-01-01', expiryDate: '2027-01-01' }));
    expect(screen.getByTestId('deadline-help')).toHaveTextContent('Beide Fristen enden am selben Tag');
    expect(screen.getByTestId('deadline-help')).not.toHaveTextContent('Privatrezept');
    unmount();
    show(caseDetail({ prescription: prescription({ prescriptionId: ids.tRezept }), acceptDate: '2026-10-07', expiryDate: '2026-10-07' }));
    expect(screen.getByTestId('t-rezept-deadline')).toHaveTextContent('nur 6 Tage nach Ausstellung einlösbar – dieses bis 07.10.2026');
  });

  it('folds payer and prescriber to one line each, the details on demand', async () => {
    const { user } = show(caseDetail());
    const coverage = screen.getByTestId('prescription-coverage');
    expect(coverage.tagName).toBe('DETAILS');
    expect(coverage).not.toHaveAttribute('open');
    expect(within(coverage).getByText(/AOK Rheinland\/Hamburg/)).toBeVisible();
    expect(within(coverage).getByText('104212059')).not.toBeVisible();
    await user.click(within(coverage).getByText(/Kostenträger/));
    expect(coverage).toHaveAttribute('open');
    expect(within(coverage).getByText('104212059')).toBeVisible();
    expect(screen.getByTestId('prescription-prescriber')).toHaveTextContent('Dr. med. Hans Topp-Glücklich · Hausarztpraxis Dr. Topp-Glücklich');
  });

  it('speaks the counter language: no requirement ids, operation names or HTTP codes', () => {
    for (const detail of [
      caseDetail({ deadlineFindings: [{ severity: 'warning', code: 'DEADLINE_ACCEPT_DATE_PASSED', message: 'x' }] }),
      caseDetail({ deadlineFindings: [{ severity: 'error', code: 'DEADLINE_EXPIRED', message: 'x' }] }),
      caseDetail({ prescription: prescription({ prescriptionId: ids.tRezept, legalBasis: { code: '14', label: 'Entlassmanagement mit Ersatzverordnung' } }) }),
    ]) {
      const { unmount } = show(detail);
      expect(screen.getByTestId('prescription-view').textContent).not.toMatch(/A_\d|\$[a-z]|HTTP/);
      unmount();
    }
  });
});
