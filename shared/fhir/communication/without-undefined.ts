/** The object without its `undefined` fields, so that none cross the IPC boundary or reach FHIR JSON. Key order is kept. */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out as T;
}
