/**
 * A scan typed into a focused field must not leave its characters there (architecture §5): the wedge scanner's
 * keys reach the field before the Enter reveals them as a scan. We remember the field's value when a burst
 * starts and put it back when the burst turns out to be a scan — through the element's native setter and an
 * `input`/`change` event, so React and react-hook-form see the restored value like a user's edit.
 */

export interface FieldSnapshot {
  element: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  value: string;
}

const editable = (el: Element | null): el is FieldSnapshot['element'] =>
  el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;

/** The focused form field's current value, or undefined when no field has focus. */
export function snapshotField(active: Element | null): FieldSnapshot | undefined {
  if (!editable(active)) return undefined;
  return { element: active, value: active.value };
}

function setNativeValue(element: FieldSnapshot['element'], value: string): void {
  // React tracks the last value it saw through the instance property; the prototype's setter bypasses that
  // tracker, so the dispatched event is seen as a real change.
  const proto = Object.getPrototypeOf(element) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(element, value);
  else element.value = value;
}

/** Puts the remembered value back (only when it changed) and tells the app about it. */
export function restoreField(snapshot: FieldSnapshot): void {
  const { element } = snapshot;
  if (!element.isConnected) return;
  // Characters do not toggle a checkbox (only Space does, which no scan code contains).
  if (element instanceof HTMLInputElement && (element.type === 'checkbox' || element.type === 'radio')) return;
  if (element.value === snapshot.value) return;
  setNativeValue(element, snapshot.value);
  element.dispatchEvent(new Event('input', { bubbles: true }));
  element.dispatchEvent(new Event('change', { bubbles: true }));
}
