/**
 * The form methods the editor's parts use (entries, fields, serials, lookups, confirmations), from a context whose
 * value never changes (docs/performance.md, submit-overhead). react-hook-form's own `useFormContext` carries the form
 * state too, so its value changes with every state change — each handleSubmit changes it twice — and every consumer
 * re-renders: all fields of all entries on each „Abgabe übermitteln“. The parts read what they show through
 * `useWatch`/stores instead, which re-render only what changed.
 */
import { createContext, useContext, useState, type ReactNode } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import type { DispenseFormInput, DispenseFormOutput } from './dispense-form-schema';

export type EditorForm = Pick<
  UseFormReturn<DispenseFormInput, unknown, DispenseFormOutput>,
  'control' | 'register' | 'setValue' | 'getValues'
>;

const EditorFormContext = createContext<EditorForm | null>(null);

/** `form`'s methods are the same for its whole life (react-hook-form's control), so they are taken once. */
export function EditorFormProvider({ form, children }: { form: EditorForm; children: ReactNode }) {
  const [methods] = useState<EditorForm>(() => ({
    control: form.control,
    register: form.register,
    setValue: form.setValue,
    getValues: form.getValues,
  }));
  return <EditorFormContext.Provider value={methods}>{children}</EditorFormContext.Provider>;
}

export function useEditorForm(): EditorForm {
  const methods = useContext(EditorFormContext);
  if (!methods) throw new Error('useEditorForm: outside the dispense editor (EditorFormProvider)');
  return methods;
}
