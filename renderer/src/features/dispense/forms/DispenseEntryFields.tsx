/**
 * One dispensed item (one MedicationDispense, A_22071-02): the medication of its kind, packs of one batch
 * (spec §5), batch and expiry from the securPharm code (A_21105-02), the pack serials, hand-over and prepared
 * dates, a dosage only when the pharmacist changed it (A_27036-01), and the substitution flag (A_28417).
 *
 * Memoised (docs/performance.md, typing-latency: an editor with 50 entries): the entry reads its own values from the
 * form (`useWatch` on its medication, `register` in its fields), its callbacks take the index and are stable, and
 * findings/changes are compared by content — so a keystroke in one entry re-renders no other entry. Its inputs are a
 * memoised part of their own, so a new change badge or finding (after an answer) does not re-render them.
 */
import { memo } from 'react';
import { useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { DispenseEntryInput } from './dispense-form-schema';
import { useEditorForm } from './editor-form';
import type { EntryChange } from './entry-diff';
import { blankMedication, selectableKinds, type MedicationKind } from './entry-editing';
import { FindingItem, keyedFindings } from './FindingItem';
import { FormField } from './FormField';
import { MedicationFields } from './MedicationFields';
import type { PlacedFinding } from './preflight';
import { SerialList } from './SerialList';
import { sameContent } from './structural-sharing';

interface Props {
  index: number;
  canRemove: boolean;
  /** stable callbacks (they take the entry's index), so memo holds */
  onRemove(index: number): void;
  onDuplicate(index: number): void;
  prescribedPzn: string | undefined;
  /** the substitution flag is offered only on a PZN prescription (A_28417, initial-entries.ts offersSubstitution) */
  offerSubstitution: boolean;
  /** findings about the entry as a whole (not about one field) */
  findings: PlacedFinding[];
  /** what changed since the last confirmed submission; undefined when nothing was confirmed yet */
  change?: EntryChange;
}

/** Same props → no re-render; findings and change are new objects after every live check, so by content. */
function sameProps(a: Props, b: Props): boolean {
  return (
    a.index === b.index &&
    a.canRemove === b.canRemove &&
    a.onRemove === b.onRemove &&
    a.onDuplicate === b.onDuplicate &&
    a.prescribedPzn === b.prescribedPzn &&
    a.offerSubstitution === b.offerSubstitution &&
    sameContent(a.findings, b.findings) &&
    sameContent(a.change, b.change)
  );
}

export const DispenseEntryFields = memo(function DispenseEntryFields({
  index,
  canRemove,
  onRemove,
  onDuplicate,
  prescribedPzn,
  offerSubstitution,
  findings,
  change,
}: Props) {
  const { t } = useTranslation();
  const { control } = useEditorForm();
  const medication = useWatch({ control, name: `entries.${index}.medication` });
  const kind = medication.kind;
  const prefix = `dispense-entry-${index}`;
  const n = index + 1;

  return (
    <fieldset className="dispense-entry" data-testid={prefix} data-entry-index={index} data-change={change?.kind}>
      <legend>
        {t('dispense.entry', { n })} <span className="badge">{t(`dispense.kinds.${kind}`)}</span>
        {change && change.kind !== 'unchanged' ? (
          <span className={`badge badge-change badge-${change.kind}`} data-testid={`${prefix}-change`}>
            {t(`dispense.changes.${change.kind}`)}
          </span>
        ) : null}
      </legend>
      <EntryInputs index={index} medication={medication} prescribedPzn={prescribedPzn} offerSubstitution={offerSubstitution} />
      {findings.length > 0 ? (
        <ul className="entry-findings" data-testid={`${prefix}-findings`}>
          {keyedFindings(findings).map(({ key, finding }) => (
            <li key={key}>
              <FindingItem finding={finding} />
            </li>
          ))}
        </ul>
      ) : null}
      <div className="entry-actions">
        <button type="button" className="button-secondary button-small" data-testid={`${prefix}-duplicate`} onClick={() => onDuplicate(index)}>
          {t('dispense.duplicate', { n })}
        </button>
        <button type="button" className="button-secondary button-small" data-testid={`${prefix}-remove`} onClick={() => onRemove(index)} disabled={!canRemove}>
          {t('dispense.remove', { n })}
        </button>
      </div>
    </fieldset>
  );
}, sameProps);

interface InputsProps {
  index: number;
  medication: DispenseEntryInput['medication'];
  prescribedPzn: string | undefined;
  offerSubstitution: boolean;
}

/**
 * The entry's inputs — most of its rendering (every FormField registers its input and translates its label). Memoised
 * apart from the entry's frame (docs/performance.md, submit-overhead): what an answer of the Fachdienst changes about
 * an entry — its change badge against the confirmed list, its findings — re-renders the frame, not the inputs; nor does
 * locking the list after $close: the editor's disabled fieldset disables every input and button of it at once.
 */
const EntryInputs = memo(function EntryInputs({ index, medication, prescribedPzn, offerSubstitution }: InputsProps) {
  const { t } = useTranslation();
  const { setValue, getValues } = useEditorForm();
  const kind = medication.kind;
  const prefix = `dispense-entry-${index}`;
  const kinds: readonly MedicationKind[] = kind === 'kombipackung' ? [...selectableKinds, 'kombipackung'] : selectableKinds;

  const switchKind = (next: MedicationKind) => {
    setValue(`entries.${index}.medication`, blankMedication(next, getValues(`entries.${index}.medication`)), { shouldDirty: true });
  };

  return (
    <div className="entry-grid">
      <div className="field">
        <label htmlFor={`${prefix}-kind`}>{t('dispense.kind')}</label>
        <select id={`${prefix}-kind`} data-testid={`${prefix}-kind`} value={kind} onChange={(e) => switchKind(e.target.value as MedicationKind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`dispense.kinds.${k}`)}
            </option>
          ))}
        </select>
      </div>
      <MedicationFields index={index} prefix={prefix} medication={medication} prescribedPzn={prescribedPzn} />
      <FormField
        name={`entries.${index}.packs`}
        label={t('dispense.packs')}
        testId={`${prefix}-packs`}
        type="number"
        className="field-packs"
        inputProps={{ min: 1, max: 999, step: 1 }}
        options={{ valueAsNumber: true }}
      />
      <FormField name={`entries.${index}.batch.lot`} label={t('dispense.batchLot')} testId={`${prefix}-batch`} inputProps={{ maxLength: 20, autoComplete: 'off' }} />
      <FormField name={`entries.${index}.batch.expiry`} label={t('dispense.batchExpiry')} testId={`${prefix}-expiry`} type="date" />
      <FormField name={`entries.${index}.whenHandedOver`} label={t('dispense.handedOver')} testId={`${prefix}-handed-over`} type="date" />
      <FormField name={`entries.${index}.whenPrepared`} label={t('dispense.prepared')} testId={`${prefix}-prepared`} type="date" />
      <FormField name={`entries.${index}.dosageText`} label={t('dispense.dosage')} testId={`${prefix}-dosage`} className="field-dosage" />
      {offerSubstitution ? (
        <FormField
          name={`entries.${index}.substituted`}
          label={t('dispense.substituted')}
          testId={`${prefix}-substituted`}
          type="checkbox"
          className="field-wide"
        />
      ) : null}
      <SerialList index={index} prefix={prefix} />
    </div>
  );
});
