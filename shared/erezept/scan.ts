/**
 * Routes a scan to the right parser (architecture §5): a keyboard-wedge scanner delivers either the patient's
 * E-Rezept DataMatrix (JSON `{"urls":[…]}` or a bare `Task/…` token, spec §2) or the securPharm code of a pack.
 */
export type ScanKind = 'erezept' | 'pack' | 'empty';

/**
 * Text (trimmed) starting with `{` or `Task/` goes to the E-Rezept-Token parser (`parseErezeptCode`, A_22078
 * validates it there), anything else to the securPharm pack parser (`parsePackCode`). Only routing happens here;
 * neither parser trusts this decision.
 */
export function classifyScan(text: string): ScanKind {
  // Group separators count as content: a pack code may legitimately start or end with one.
  const trimmed = text.replace(/^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$/g, '');
  if (trimmed === '') return 'empty';
  return trimmed.startsWith('{') || trimmed.startsWith('Task/') ? 'erezept' : 'pack';
}
