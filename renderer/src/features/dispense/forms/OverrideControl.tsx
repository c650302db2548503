/**
 * „Abweichung bestätigen“ at a pharmacy safety finding that needs a reason (docs/checks.md, issue 19 item 1): opens a
 * reason input; saving writes `{ rule, reason }` into the entry's `overrides` (replacing the rule's earlier one), so
 * the next live check marks the finding as overridden and it no longer stops sending. The reason is the pharmacy's
 * own note — kept with the draft and the version, never sent, never in the audit — so it may be shown here as
 * „bestätigt: …“. Keyboard first: the button is in the tab order, Enter saves, Escape cancels, the focus comes back.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { findingOverrideSchema, type FindingOverride } from '../../../../../shared/erezept/dispense-entry';
import { useEditorForm } from './editor-form';

interface Props {
  /** the entry the finding's path names */
  index: number;
  /** the finding's code, e.g. PH_SUBSTANCE_DIFFERS */
  rule: string;
}

/** The entry's overrides with the rule's one replaced (or removed when `next` is undefined); undefined when none is left. */
export function withOverride(
  overrides: readonly FindingOverride[] | undefined,
  rule: string,
  next: FindingOverride | undefined,
): FindingOverride[] | undefined {
  const kept = (overrides ?? []).filter((o) => o.rule !== rule);
  const list = next ? [...kept, next] : kept;
  return list.length > 0 ? list : undefined;
}

export function OverrideControl({ index, rule }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const { control, getValues, setValue } = useEditorForm();
  const name = `entries.${index}.overrides` as const;
  const overrides = useWatch({ control, name });
  const current = overrides?.find((o) => o.rule === rule);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [invalid, setInvalid] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  // after saving or cancelling the focus goes back to the button that opened the input, not to the page's start
  const refocus = useRef(false);
  const testId = `dispense-entry-${index}-override-${rule}`;

  useEffect(() => {
    if (editing) input.current?.focus();
    else if (refocus.current) {
      refocus.current = false;
      toggle.current?.focus();
    }
  }, [editing]);

  const write = (next: FindingOverride | undefined) =>
    setValue(name, withOverride(getValues(name), rule, next), { shouldDirty: true });
  const open = () => {
    setDraft(current?.reason ?? '');
    setInvalid(false);
    setEditing(true);
  };
  const close = () => {
    refocus.current = true;
    setEditing(false);
  };
  const save = () => {
    // the shared schema decides what a reason is (trimmed, at least 3 characters)
    const parsed = findingOverrideSchema.safeParse({ rule, reason: draft });
    if (!parsed.success) {
      setInvalid(true);
      input.current?.focus();
      return;
    }
    write(parsed.data);
    close();
  };

  if (editing) {
    return (
      <div className="override override-editing" data-testid={`${testId}-editor`}>
        <label htmlFor={`${id}-reason`}>{t('dispense.override.reason')}</label>
        <input
          ref={input}
          id={`${id}-reason`}
          type="text"
          data-testid={`${testId}-reason`}
          value={draft}
          maxLength={500}
          autoComplete="off"
          aria-invalid={invalid || undefined}
          aria-describedby={`${id}-help`}
          onChange={(e) => {
            setDraft(e.target.value);
            setInvalid(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              save();
            } else if (e.key === 'Escape') {
              // only this input: no dialog or panel around it may close as well
              e.preventDefault();
              e.stopPropagation();
              close();
            }
          }}
        />
        {invalid ? (
          <p id={`${id}-help`} className="field-error" data-testid={`${testId}-reason-error`}>
            {t('dispense.override.tooShort')}
          </p>
        ) : (
          <p id={`${id}-help`} className="field-help">
            {t('dispense.override.keys')}
          </p>
        )}
        <div className="override-actions">
          <button type="button" className="button-primary button-small" data-testid={`${testId}-save`} onClick={save}>
            {t('dispense.override.save')}
          </button>
          <button type="button" className="button-secondary button-small" data-testid={`${testId}-cancel`} onClick={close}>
            {t('dispense.override.cancel')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="override">
      {current ? (
        <span className="override-confirmed" data-testid={`${testId}-confirmed`}>
          {t('dispense.override.confirmed', { reason: current.reason })}
        </span>
      ) : null}
      <button ref={toggle} type="button" className="button-secondary button-small" data-testid={testId} aria-expanded={false} onClick={open}>
        {current ? t('dispense.override.change') : t('dispense.override.confirm')}
      </button>
      {current ? (
        <button type="button" className="button-secondary button-small" data-testid={`${testId}-remove`} onClick={() => write(undefined)}>
          {t('dispense.override.remove')}
        </button>
      ) : null}
    </div>
  );
}
