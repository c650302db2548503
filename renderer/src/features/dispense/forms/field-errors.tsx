/**
 * The form's validation and server messages by field, for every FormField to show its own (docs/performance.md,
 * submit-overhead). react-hook-form broadcasts every change of `errors` — the end of each handleSubmit, setError,
 * clearErrors — to every `useFormState` subscriber, so a FormField subscribed there re-rendered all 70 fields of a
 * 10-entry list twice per „Abgabe übermitteln“. The form root (which re-renders on `errors` anyway) publishes them
 * here, and each field re-renders only when ITS message changed — like the findings (findings-context.tsx).
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { FieldErrors } from 'react-hook-form';

/** A field's error: its message ('' for an error without one); undefined = no error. */
type FieldError = string | undefined;

interface FieldErrorsStore {
  subscribe(listener: () => void): () => void;
  get(name: string): FieldError;
  /** replaces all errors; listeners hear of it only when some field's error changed */
  publish(errors: FieldErrors): void;
}

/** Every field error in the tree by its path (`entries.0.batch.lot`); list-level ones (`root`) are the form's. */
export function flattenFieldErrors(errors: FieldErrors): Map<string, string> {
  const flat = new Map<string, string>();
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    // a leaf: react-hook-form's FieldError carries `type` (and usually `message`); `ref` points back at the input
    if (typeof record.type === 'string' && path !== '')
      flat.set(path, typeof record.message === 'string' ? record.message : '');
    for (const [key, child] of Object.entries(record)) {
      if (key === 'ref' || key === 'type' || key === 'message' || key === 'types' || key === 'root') continue;
      walk(child, path === '' ? key : `${path}.${key}`);
    }
  };
  walk(errors, '');
  return flat;
}

export function createFieldErrorsStore(): FieldErrorsStore {
  let current = new Map<string, string>();
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: (name) => current.get(name),
    publish(errors) {
      const next = flattenFieldErrors(errors);
      const changed =
        next.size !== current.size || [...next].some(([name, message]) => current.get(name) !== message);
      current = next;
      if (changed) for (const listener of [...listeners]) listener();
    },
  };
}

const FieldErrorsContext = createContext<FieldErrorsStore>(createFieldErrorsStore());

export const FieldErrorsProvider = FieldErrorsContext.Provider;

export function useFieldError(name: string): FieldError {
  const store = useContext(FieldErrorsContext);
  return useSyncExternalStore(store.subscribe, () => store.get(name));
}
