import { describe, expect, it } from 'vitest';
import { trainerReplyCaps } from '../../shared/ipc/contract';
import type { PatientReplyAnswer } from '../simulator-client/client';
import { patientRepliesOf } from './patient-replies';

const RX = '160.000.000.000.001.54';
const envelope = { id: 'r-1', taskId: RX, sender: '3-SMC-B-Testkarte-883110000095957', sent: '2026-10-05T08:00:00.000Z' };
const answer = (fields: Partial<PatientReplyAnswer>): PatientReplyAnswer => ({ ...envelope, ...fields });

describe('patientRepliesOf: the replies the patient’s app shows for one prescription (spec §3.11)', () => {
  it('reads a v1 reply with pick-up code, availability, supply option and the time the patient read it', () => {
    const contentString = JSON.stringify({ version: 1, supplyOptionsType: 'onPremise', info_text: 'Liegt bereit.', pickUpCodeHR: 'K7M2QX', pickUpCodeDMC: 'K7M2QX' });
    expect(patientRepliesOf(RX, [answer({ contentString, availability: '20', received: '2026-10-05T09:00:00.000Z' })])).toEqual([
      {
        id: 'r-1',
        sent: '2026-10-05T08:00:00.000Z',
        received: '2026-10-05T09:00:00.000Z',
        text: 'Liegt bereit.',
        pickUpCodeHR: 'K7M2QX',
        pickUpCodeDMC: 'K7M2QX',
        availability: '20',
        supplyOption: 'onPremise',
      },
    ]);
  });

  it('reads a v3 reply (text, pickupCodeHR) and keeps only this prescription’s replies, oldest first', () => {
    const v3 = JSON.stringify({ version: 3, communicationType: 'pickupCodeHR', text: 'Bitte abholen', pickupCodeHR: 'AB12' });
    const replies = patientRepliesOf(RX, [
      answer({ id: 'other', taskId: '160.000.000.000.002.51', contentString: '{"version":1,"info_text":"x"}' }),
      answer({ id: 'r-1', contentString: v3 }),
      answer({ id: 'r-2', sent: '2026-10-05T10:00:00.000Z', contentString: '{"version":1,"info_text":"Zweite"}' }),
    ]);
    expect(replies.map((r) => r.id)).toEqual(['r-1', 'r-2']);
    expect(replies[0]).toEqual({ id: 'r-1', sent: envelope.sent, text: 'Bitte abholen', pickUpCodeHR: 'AB12' });
  });

  it('shows what a malformed payload has: free text as text, unknown availability and over-long codes left out, long text clipped', () => {
    const longText = 'ä'.repeat(trainerReplyCaps.text + 10);
    const replies = patientRepliesOf(RX, [
      answer({ id: 'plain', contentString: 'Eisern' }),
      answer({ id: 'none' }),
      answer({ id: 'odd', availability: '55', contentString: JSON.stringify({ version: 1, info_text: longText, pickUpCodeHR: 'VIEL-ZU-LANG', pickUpCodeDMC: ['x'] }) }),
      answer({ id: 'emoji', contentString: JSON.stringify({ version: 1, info_text: '😀'.repeat(trainerReplyCaps.text) }) }),
    ]);
    expect(replies.map((r) => [r.id, r.text.length])).toEqual([
      ['plain', 6],
      ['none', 0],
      ['odd', trainerReplyCaps.text],
      ['emoji', trainerReplyCaps.text - 1],
    ]);
    expect(replies[0]?.text).toBe('Eisern');
    const odd = replies[2]!;
    expect(odd.text.endsWith('ä…')).toBe(true);
    expect(odd).not.toHaveProperty('pickUpCodeHR');
    expect(odd).not.toHaveProperty('pickUpCodeDMC');
    expect(odd).not.toHaveProperty('availability');
    // clipped at a code point boundary: no half emoji before the ellipsis
    expect(replies[3]?.text.endsWith('😀…')).toBe(true);
  });

  it('skips a reply it cannot place (no id, no readable sent time) and ignores an unreadable received time', () => {
    const replies = patientRepliesOf(RX, [
      answer({ id: undefined }),
      answer({ id: 'no-time', sent: 'gestern' }),
      answer({ id: 'ok', received: 'bald', contentString: '{"version":1,"info_text":"Da"}' }),
    ]);
    expect(replies).toEqual([{ id: 'ok', sent: envelope.sent, text: 'Da' }]);
  });
});
