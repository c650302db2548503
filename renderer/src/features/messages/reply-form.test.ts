import { describe, expect, it } from 'vitest';
import { availabilityWhenReady, replyAvailability, replyProblems, templateText } from './reply-form';

const today = '2026-10-05';
const rules = { limit: 500, today };

describe('reply composer model (spec §3.11)', () => {
  it('states the availability of ordered stock by the day it is ready', () => {
    expect(availabilityWhenReady('2026-10-05', today)).toBe('20');
    expect(availabilityWhenReady('2026-10-06', today)).toBe('30');
    expect(availabilityWhenReady('2026-10-09', today)).toBe('40');
    expect(availabilityWhenReady('2026-10-04', today)).toBeUndefined();
    expect(availabilityWhenReady('', today)).toBeUndefined();
  });

  it('pick-up says available now (10), not deliverable says 90, a free text says nothing', () => {
    expect(replyAvailability({ template: 'pickup', readyDate: '' }, today)).toBe('10');
    expect(replyAvailability({ template: 'unavailable', readyDate: '' }, today)).toBe('90');
    expect(replyAvailability({ template: 'free', readyDate: '2026-10-09' }, today)).toBeUndefined();
    expect(replyAvailability({ template: 'ordered', readyDate: '2026-10-09' }, today)).toBe('40');
  });

  it('fills the pharmacy, the code and the German date into the template; a free text starts empty', () => {
    const seen: [string, Record<string, string>][] = [];
    const translate = (key: string, values: Record<string, string>) => (
      seen.push([key, values]),
      `${key}|${values.date}`
    );
    const values = { pharmacy: 'Löwen-Apotheke', formatDate: (d: string) => `DE(${d})` };
    expect(
      templateText(translate, { template: 'ordered', readyDate: '2026-10-07', pickUpCode: '' }, values),
    ).toBe('caseMessages.templateTexts.ordered|DE(2026-10-07)');
    templateText(translate, { template: 'pickup', readyDate: '', pickUpCode: 'K7P3MX' }, values);
    expect(seen[1]).toEqual([
      'caseMessages.templateTexts.pickup',
      { pharmacy: 'Löwen-Apotheke', code: 'K7P3MX', date: '…' },
    ]);
    expect(templateText(translate, { template: 'free', readyDate: '', pickUpCode: '' }, values)).toBe('');
    expect(seen).toHaveLength(2);
  });

  it('refuses an empty, an over-long or a text with refused characters, and an ordered reply without a future date', () => {
    expect(replyProblems({ template: 'free', text: '  \n', readyDate: '' }, rules)).toEqual([
      { kind: 'empty' },
    ]);
    expect(replyProblems({ template: 'free', text: 'x'.repeat(503), readyDate: '' }, rules)).toEqual([
      { kind: 'too-long', over: 3 },
    ]);
    expect(replyProblems({ template: 'free', text: 'x'.repeat(500), readyDate: '' }, rules)).toEqual([]);
    expect(replyProblems({ template: 'free', text: 'a\u0007', readyDate: '' }, rules)).toEqual([
      { kind: 'refused', characters: [{ codePoint: 'U+0007', kind: 'control' }] },
    ]);
    expect(replyProblems({ template: 'ordered', text: 'bestellt', readyDate: '' }, rules)).toEqual([
      { kind: 'date-missing' },
    ]);
    expect(replyProblems({ template: 'ordered', text: 'bestellt', readyDate: '2026-10-04' }, rules)).toEqual([
      { kind: 'date-past' },
    ]);
    expect(replyProblems({ template: 'ordered', text: 'bestellt', readyDate: '2026-10-06' }, rules)).toEqual(
      [],
    );
  });
});
