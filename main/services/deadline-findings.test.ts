import { describe, expect, it } from 'vitest';
import { DeadlineCodes, deadlineFindings } from './deadline-findings';

/** A Task's own dates: Belieferungsfrist 29.10.2026, Einlösefrist 01.01.2027 (flow 160, spec §1.2). */
const task = { acceptDate: '2026-10-29', expiryDate: '2027-01-01' };

describe('deadline findings from the Task dates', () => {
  it('says nothing up to and including the last day of the Belieferungsfrist', () => {
    expect(deadlineFindings(task, '2026-10-01')).toEqual([]);
    expect(deadlineFindings(task, '2026-10-29')).toEqual([]);
  });

  it('warns the day after the Belieferungsfrist: supply only as a private prescription', () => {
    const findings = deadlineFindings(task, '2026-10-30');
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', code: DeadlineCodes.acceptDatePassed, path: 'acceptDate' })]);
    expect(findings[0]?.message).toContain('Belieferungsfrist am 29.10.2026 überschritten');
    expect(findings[0]?.message).toContain('Privatrezept');
  });

  it('blocks the day after the Einlösefrist, the last day still allowed', () => {
    expect(deadlineFindings(task, '2027-01-01').map((f) => f.severity)).toEqual(['warning']);
    const findings = deadlineFindings(task, '2027-01-02');
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', code: DeadlineCodes.expired, path: 'expiryDate' })]);
    expect(findings[0]?.message).toContain('Einlösefrist am 01.01.2027 abgelaufen');
  });

  it('takes a short deadline exactly as the Task gives it (Entlassrezept: 3 working days, T-Rezept: 6 days)', () => {
    // an Entlassrezept signed on Friday 23.04.2021: the Fachdienst counts Friday, Saturday, Monday (A_19517)
    const entlass = { acceptDate: '2021-04-26', expiryDate: '2021-07-23' };
    expect(deadlineFindings(entlass, '2021-04-26')).toEqual([]);
    expect(deadlineFindings(entlass, '2021-04-27').map((f) => f.code)).toEqual([DeadlineCodes.acceptDatePassed]);
    const tRezept = { acceptDate: '2026-11-16', expiryDate: '2026-11-16' };
    expect(deadlineFindings(tRezept, '2026-11-17').map((f) => f.code)).toEqual([DeadlineCodes.expired]);
  });

  it('never derives a deadline itself: without the Task dates there is no finding, however old the prescription', () => {
    expect(deadlineFindings({}, '2099-12-31')).toEqual([]);
    expect(deadlineFindings({ acceptDate: undefined, expiryDate: undefined }, '2099-12-31')).toEqual([]);
    // only the Einlösefrist known: no Belieferungsfrist is guessed from it
    expect(deadlineFindings({ expiryDate: '2027-01-01' }, '2026-12-31')).toEqual([]);
  });

  it('speaks the counter language: no requirement ids, no technical terms', () => {
    const messages = [...deadlineFindings(task, '2026-10-30'), ...deadlineFindings(task, '2027-01-02')].map((f) => f.message);
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message).not.toMatch(/A_\d|\$[a-z]|HTTP|acceptDate|expiryDate/);
  });
});
