/** Flow types the UI names (spec §1.2); anything else is shown with its code. */
const namedFlowTypes = ['160', '166', '169', '200', '209'] as const;
type NamedFlowType = (typeof namedFlowTypes)[number];

export const isNamedFlowType = (code: string): code is NamedFlowType => (namedFlowTypes as readonly string[]).includes(code);

/** 166 = E-T-Rezept (§ 3a AMVV): it must carry a visible marker (A_27841) and must not be mailed (A_27842). */
export const isTRezept = (flowType: string): boolean => flowType === '166';
