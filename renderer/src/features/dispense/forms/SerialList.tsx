/**
 * The securPharm serial numbers of an entry's packs: filled by pack scans, kept locally with the entry (they
 * are the pharmacy's securPharm record, not part of the MedicationDispense profile). A serial typed by hand
 * can be added; each can be removed — not in a locked list: the editor's disabled fieldset disables these buttons, too.
 */
import { useId, useState } from 'react';
import { useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useEditorForm } from './editor-form';

const serialPattern = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/;

export function SerialList({ index, prefix }: { index: number; prefix: string }) {
  const { t } = useTranslation();
  const id = useId();
  const { control, setValue, getValues } = useEditorForm();
  const serials = useWatch({ control, name: `entries.${index}.serials` }) ?? [];
  const [draft, setDraft] = useState('');
  const name = `entries.${index}.serials` as const;

  const add = () => {
    const serial = draft.trim();
    if (!serialPattern.test(serial)) return;
    const current = getValues(name) ?? [];
    if (!current.includes(serial)) setValue(name, [...current, serial], { shouldDirty: true });
    setDraft('');
  };
  const remove = (serial: string) =>
    setValue(
      name,
      (getValues(name) ?? []).filter((s) => s !== serial),
      { shouldDirty: true },
    );

  return (
    <div className="field field-wide serials" data-testid={`${prefix}-serials`}>
      <span className="field-label" id={`${id}-label`}>
        {t('dispense.serials', { count: serials.length })}
      </span>
      {serials.length > 0 ? (
        <ul className="chips" aria-labelledby={`${id}-label`}>
          {serials.map((serial, j) => (
            <li key={serial} className="chip" data-testid={`${prefix}-serial-${j}`}>
              <code>{serial}</code>
              <button
                type="button"
                className="chip-remove"
                data-testid={`${prefix}-serial-${j}-remove`}
                aria-label={t('dispense.removeSerial', { serial })}
                onClick={() => remove(serial)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="serial-add">
        <label htmlFor={`${id}-input`} className="visually-hidden">
          {t('dispense.serialInput')}
        </label>
        <input
          id={`${id}-input`}
          type="text"
          data-testid={`${prefix}-serial-input`}
          placeholder={t('dispense.serialInput')}
          value={draft}
          maxLength={20}
          autoComplete="off"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            add();
          }}
        />
        <button type="button" className="button-secondary button-small" data-testid={`${prefix}-serial-add`} onClick={add}>
          {t('dispense.addSerial')}
        </button>
      </div>
    </div>
  );
}
