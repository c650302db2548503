/**
 * A list of entry changes in words (entry-diff.ts): what the next $dispense changes against the last confirmed
 * list, or what one version changed against another. Used by the editor and the versions list.
 */
import { useTranslation } from 'react-i18next';
import type { DiffField, EntryChange, FieldChange } from '../forms/entry-diff';

const dateFields: readonly DiffField[] = ['expiry', 'handedOver', 'prepared'];

function shown(field: DiffField, value: string | undefined, t: (k: string) => string): string {
  if (value === undefined) return t('diff.none');
  if (field === 'substituted') return value === 'true' ? t('diff.yes') : t('diff.no');
  if (dateFields.includes(field) && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value.split('-').reverse().join('.');
  return value;
}

function FieldChangeText({ change }: { change: FieldChange }) {
  const { t } = useTranslation();
  return (
    <>
      {t(`diff.fields.${change.field}`)}: <del>{shown(change.field, change.before, t)}</del> → <ins>{shown(change.field, change.after, t)}</ins>
    </>
  );
}

export function ChangeList({ changes, testId }: { changes: readonly EntryChange[]; testId: string }) {
  const { t } = useTranslation();
  const visible = changes.filter((c) => c.kind !== 'unchanged');
  if (visible.length === 0) {
    return (
      <p className="muted" data-testid={`${testId}-none`}>
        {t('diff.noChanges')}
      </p>
    );
  }
  return (
    <ul className="change-list" data-testid={testId}>
      {visible.map((c, i) => (
        <li key={`${c.key}-${i}`} data-testid={`${testId}-${i}`} data-kind={c.kind}>
          {c.kind === 'removed' ? (
            <>
              <strong>{t('diff.removed', { n: c.previousIndex + 1 })}</strong> {c.label}
            </>
          ) : c.kind === 'added' ? (
            <>
              <strong>{t('diff.added', { n: c.index + 1 })}</strong> {c.label}
            </>
          ) : c.kind === 'changed' ? (
            <>
              <strong>{t('diff.changed', { n: c.index + 1 })}</strong> {c.label}
              <ul>
                {c.fields.map((f) => (
                  <li key={f.field}>
                    <FieldChangeText change={f} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
