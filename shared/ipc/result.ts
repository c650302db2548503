/**
 * The one way results cross a process boundary (architecture §2, §4): nothing throws across IPC,
 * because Electron's structured clone drops an Error's own fields.
 */
export type Ok<T> = { readonly ok: true; readonly data: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(data: T): Ok<T> => ({ ok: true, data });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });
