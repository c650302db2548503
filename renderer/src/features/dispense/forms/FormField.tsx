/**
 * One labelled input of the dispense form with its error message (every field labelled, errors announced
 * through aria-describedby). Reads the form from context, so the entry layout stays declarative.
 */
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { get, useFormContext, useFormState, type RegisterOptions } from 'react-hook-form';
import type { DispenseFormInput } from './dispense-form-schema';
import type { Path } from 'react-hook-form';

interface Props {
  name: Path<DispenseFormInput>;
  label: string;
  testId: string;
  type?: 'text' | 'number' | 'date' | 'checkbox';
  options?: RegisterOptions<DispenseFormInput, Path<DispenseFormInput>>;
  inputProps?: InputHTMLAttributes<HTMLInputElement>;
  /** extra text under the field (a lookup result, a check-digit warning) */
  hint?: ReactNode;
  className?: string;
}

export function FormField({ name, label, testId, type = 'text', options, inputProps, hint, className }: Props) {
  const id = useId();
  const { register } = useFormContext<DispenseFormInput>();
  const { errors } = useFormState<DispenseFormInput>({ name });
  const error = get(errors, name) as { message?: string } | undefined;
  const describedBy = [error ? `${id}-error` : undefined, hint ? `${id}-hint` : undefined].filter(Boolean).join(' ');
  return (
    <div className={['field', type === 'checkbox' ? 'field-checkbox' : '', className ?? ''].join(' ').trim()}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...inputProps}
        {...register(name, options)}
      />
      {hint ? (
        <p id={`${id}-hint`} className="field-help">
          {hint}
        </p>
      ) : null}
      {error?.message ? (
        <p id={`${id}-error`} className="field-error" data-testid={`${testId}-error`}>
          {error.message}
        </p>
      ) : null}
    </div>
  );
}
