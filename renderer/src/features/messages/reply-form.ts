/**
 * The reply composer's model (spec erezept-pharmacy §3.11, Communication_Reply): a template fills the text the
 * pharmacist may then edit, and decides the availability the reply states (GEM_ERP_EX_AvailabilityState). Pure: the
 * component supplies the translations, the pharmacy's name and main's "today".
 */
import type { AvailabilityState, SupplyOption } from '../../../../shared/erezept/communication';
import { addDays, isIsoDate } from '../../../../shared/erezept/dates';
import { refusedCharacters, replyTextLength, type RefusedCharacter } from './reply-text';

export const replyTemplates = ['pickup', 'ordered', 'unavailable', 'free'] as const;
export type ReplyTemplate = (typeof replyTemplates)[number];

export interface ReplyForm {
  template: ReplyTemplate;
  text: string;
  /** `ordered`: the German date (YYYY-MM-DD) from which the medicine is ready */
  readyDate: string;
  /** `pickup`: the generated pick-up code */
  pickUpCode: string;
  /** used only when no Zuweisung named the patient's wish */
  supplyOption: SupplyOption;
}

/** Ordered stock: ready today „noch am selben Tag“ (20), tomorrow „am nächsten Tag“ (30), later (40). */
export function availabilityWhenReady(readyDate: string, today: string): AvailabilityState | undefined {
  if (!isIsoDate(readyDate) || readyDate < today) return undefined;
  if (readyDate === today) return '20';
  return readyDate === addDays(today, 1) ? '30' : '40';
}

/** What the reply states about the medicine's availability; nothing for a free text. */
export function replyAvailability(
  form: Pick<ReplyForm, 'template' | 'readyDate'>,
  today: string,
): AvailabilityState | undefined {
  switch (form.template) {
    case 'pickup':
      return '10';
    case 'ordered':
      return availabilityWhenReady(form.readyDate, today);
    case 'unavailable':
      return '90';
    case 'free':
      return undefined;
  }
}

type Translate = (key: string, values: Record<string, string>) => string;

/**
 * The text a template writes, with the pharmacy's name, the pick-up code or the date filled in; empty for „Freier
 * Text“. `translate` is the patient's language (German), not necessarily the counter's.
 */
export function templateText(
  translate: Translate,
  form: Pick<ReplyForm, 'template' | 'readyDate' | 'pickUpCode'>,
  values: { pharmacy: string; formatDate(date: string): string },
): string {
  if (form.template === 'free') return '';
  return translate(`caseMessages.templateTexts.${form.template}`, {
    pharmacy: values.pharmacy,
    code: form.pickUpCode,
    date: isIsoDate(form.readyDate) ? values.formatDate(form.readyDate) : '…',
  });
}

export type ReplyProblem =
  | { kind: 'empty' }
  | { kind: 'too-long'; over: number }
  | { kind: 'refused'; characters: RefusedCharacter[] }
  | { kind: 'date-missing' }
  | { kind: 'date-past' };

/** Why the reply cannot be sent as it stands; none = it can. */
export function replyProblems(
  form: Pick<ReplyForm, 'template' | 'text' | 'readyDate'>,
  rules: { limit: number; today: string },
): ReplyProblem[] {
  const problems: ReplyProblem[] = [];
  if (form.text.trim() === '') problems.push({ kind: 'empty' });
  const length = replyTextLength(form.text);
  if (length > rules.limit) problems.push({ kind: 'too-long', over: length - rules.limit });
  const refused = refusedCharacters(form.text);
  if (refused.length > 0) problems.push({ kind: 'refused', characters: refused });
  if (form.template === 'ordered') {
    if (!isIsoDate(form.readyDate)) problems.push({ kind: 'date-missing' });
    else if (form.readyDate < rules.today) problems.push({ kind: 'date-past' });
  }
  return problems;
}
