/**
 * One labelled input of the dispense form with its validation message and its live pre-flight findings
 * (every field labelled; errors and findings announced through aria-describedby). Reads the form from
 * context, so the entry layout stays declarative.
 */
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import type { Path, RegisterOptions } from 'react-hook-form';
import type { DispenseFormInput } from './dispense-form-schema';
import { useEditorForm } from './editor-form';
import { useFieldError } from './field-errors';
import { useFieldFindings } from './findings-context';
import { FindingItem, keyedFindings } from './FindingItem';
import type { PlacedFinding } from './preflight';

interface Props {
  name: Path<DispenseFormInput>;
  label: string;
  testId: string;
  type?: 'text' | 'number' | 'date' | 'checkbox';
  options?: RegisterOptions<DispenseFormInput, Path<DispenseFormInput>>;
  inputProps?: InputHTMLAttributes<HTMLInputElement>;
  /** extra text under the field (a lookup result, a check-digit warning) */
  hint?: ReactNode;
  /** finding codes not shown here because the hint already says the same (one message per problem) */
  omitCodes?: readonly string[];
  className?: string;
}

const noCodes: readonly string[] = [];

export function FormField({ name, label, testId, type = 'text', options, inputProps, hint, omitCodes = noCodes, className }: Props) {
  const id = useId();
  const { register } = useEditorForm();
  // its own message only: the form's error broadcasts would re-render every field (field-errors.tsx)
  const error = useFieldError(name);
  const findings = shownFindings(useFieldFindings(name), omitCodes);
  const worst = findings.some((f) => f.severity === 'error') ? 'error' : findings.some((f) => f.severity === 'warning') ? 'warning' : undefined;
  const describedBy = [error !== undefined ? `${id}-error` : undefined, findings.length > 0 ? `${id}-findings` : undefined, hint ? `${id}-hint` : undefined]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={['field', type === 'checkbox' ? 'field-checkbox' : '', className ?? ''].join(' ').trim()} data-finding={worst}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        data-testid={testId}
        aria-invalid={error !== undefined || worst === 'error' ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...inputProps}
        {...register(name, options)}
      />
      {hint ? (
        <p id={`${id}-hint`} className="field-help">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error" data-testid={`${testId}-error`}>
          {error}
        </p>
      ) : null}
      {findings.length > 0 ? (
        <div id={`${id}-findings`} className="field-findings" data-testid={`${testId}-finding`}>
          {keyedFindings(findings).map(({ key, finding }) => (
            <FindingItem key={key} finding={finding} />
          ))}
        </div>
      ) : null}
    </div>
  );
}

function shownFindings(findings: PlacedFinding[], omitCodes: readonly string[]): PlacedFinding[] {
  return omitCodes.length === 0 || !findings.some((f) => omitCodes.includes(f.code)) ? findings : findings.filter((f) => !omitCodes.includes(f.code));
}
