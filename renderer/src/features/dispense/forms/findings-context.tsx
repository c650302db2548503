/** The live pre-flight findings by form field, for every FormField to show its own (preflight.ts). */
import { createContext, useContext } from 'react';
import type { PlacedFinding } from './preflight';

const FieldFindingsContext = createContext<ReadonlyMap<string, PlacedFinding[]>>(new Map());

export const FieldFindingsProvider = FieldFindingsContext.Provider;

export function useFieldFindings(name: string): PlacedFinding[] {
  return useContext(FieldFindingsContext).get(name) ?? [];
}
