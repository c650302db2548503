/**
 * The token sheet: a printable page like the patient's printout (Patientenausdruck) — per
 * prescription the medication, patient, birth date, prescriber, date and its own code (one token), plus a
 * combined code for up to three prescriptions (A_19553-01) — marked „TRAINING – kein gültiges Rezept“. „Code-Blatt
 * drucken“ prints the sheet alone (print-token-sheet.ts).
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoadedScenario } from '../../../../../shared/ipc/contract';
import { formatDate } from '../../../lib/format';
import { combinedCodes, eRezeptCodeText } from '../datamatrix';
import { printTokenSheet } from '../print-token-sheet';
import { DataMatrixCanvas } from './DataMatrixCanvas';

interface Props {
  scenario: LoadedScenario;
  /** the label of each prescription, by PrescriptionID („Rezept A“, or „Rezept 1“ when the scenario names none) */
  labels: ReadonlyMap<string, string>;
}

export function TokenSheet({ scenario, labels }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const labelOf = (prescriptionId: string) => labels.get(prescriptionId) ?? prescriptionId;
  const combined = combinedCodes(scenario.prescriptions);
  return (
    <section className="token-sheet" data-testid="token-sheet" aria-labelledby={titleId}>
      <div className="token-sheet-head no-print">
        <h3 id={titleId}>{t('trainer.sheet.title')}</h3>
        <button
          type="button"
          className="button-secondary"
          data-testid="token-sheet-print"
          onClick={() => printTokenSheet()}
        >
          {t('trainer.sheet.print')}
        </button>
      </div>
      <p className="muted no-print">{t('trainer.sheet.hint')}</p>
      <div className="token-sheet-page">
        <p className="token-sheet-training" data-testid="token-sheet-training">
          {t('trainer.sheet.training')}
        </p>
        <h4 className="token-sheet-heading">{t('trainer.sheet.heading')}</h4>
        <p className="muted">{t('trainer.sheet.scenario', { title: scenario.title })}</p>
        {combined.map((code, i) => {
          const names = code.prescriptions.map((p) => labelOf(p.prescriptionId)).join(', ');
          return (
            <figure
              key={i}
              className="token-sheet-combined"
              data-testid="token-sheet-combined"
              data-count={code.prescriptions.length}
            >
              <DataMatrixCanvas
                text={code.text}
                label={t('trainer.sheet.combinedCode', { labels: names })}
                testId="token-sheet-combined-datamatrix"
              />
              <figcaption>{t('trainer.sheet.combined', { labels: names })}</figcaption>
            </figure>
          );
        })}
        <ol className="token-sheet-items">
          {scenario.prescriptions.map((p) => {
            const label = labelOf(p.prescriptionId);
            return (
              <li
                key={p.prescriptionId}
                className="token-sheet-item"
                data-testid="token-sheet-item"
                data-prescription-id={p.prescriptionId}
                data-label={label}
              >
                {/* its own code with its token alone, as on the printout — even when the scenario printed several on one */}
                <DataMatrixCanvas
                  text={eRezeptCodeText([p.token])}
                  label={t('trainer.prescription.code', { label })}
                  testId="token-sheet-datamatrix"
                />
                <div className="token-sheet-facts">
                  <p className="token-sheet-label">
                    {label} <code>{p.prescriptionId}</code>
                  </p>
                  <dl className="facts">
                    <SheetFact
                      label={t('trainer.sheet.medication')}
                      testId="token-sheet-medication"
                      value={p.medication}
                    />
                    <SheetFact
                      label={t('trainer.sheet.patient')}
                      testId="token-sheet-patient"
                      value={p.patientName}
                    />
                    <SheetFact
                      label={t('trainer.sheet.birthDate')}
                      testId="token-sheet-birth-date"
                      value={p.birthDate ? formatDate(p.birthDate) : undefined}
                    />
                    <SheetFact
                      label={t('trainer.sheet.prescriber')}
                      testId="token-sheet-prescriber"
                      value={p.prescriber}
                    />
                    <SheetFact
                      label={t('trainer.sheet.authoredOn')}
                      testId="token-sheet-authored-on"
                      value={p.authoredOn ? formatDate(p.authoredOn) : undefined}
                    />
                  </dl>
                  <p className="token-sheet-training-small">{t('trainer.sheet.training')}</p>
                </div>
              </li>
            );
          })}
        </ol>
      </div>
    </section>
  );
}

/** A line of the printout; „–“ when the scenario leaves it out (the layout stays that of the printout). */
function SheetFact({ label, value, testId }: { label: string; value: string | undefined; testId: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value ?? '–'}</dd>
    </div>
  );
}
