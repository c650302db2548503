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
});
