/**
 * EventService v7.2 `GetCards` (spec ti-transport §3.3): the inserted cards, optionally filtered by `CARDCMN:CtId`,
 * `CARDCMN:SlotId` and `CARDCMN:CardType`. Each `CARD:Card` in CardService v8.1's element order: CardHandle,
 * CardType, Iccsn, CtId, SlotId, InsertTime, CardHolderName, Kvnr (eGK only), CertificateExpirationDate
 * (CardVersion is optional and left out). `mandant-wide` changes nothing: all cards belong to the one Mandant.
 *
 * The SMC-Bs are visible from every workplace; an eGK only from the workplace whose terminal holds it (the
 * caller's WorkplaceId, spec erezept-pharmacy §3.9: the pharmacy reads the card the patient handed over at that
 * counter), after the SMC-Bs.
 */
import { checkContext } from './call-context';
import { holderNameOf } from './egk-card';
import { addOkStatus, type OperationHandler } from './operation';
import { NS } from './namespaces';
import { childText, soapResponse } from './soap-envelope';

interface CardEntry {
  handle: string;
  cardType: string;
  iccsn: string;
  ctId: string;
  slotId: number;
  insertTime: Date;
  holderName: string;
  kvnr?: string;
  /** YYYY-MM-DD */
  certificateExpirationDate: string;
}

export const getCards: OperationHandler = (operation, { state, context }) => {
  const workplaceId = checkContext(operation, context, state);
  const cardType = childText(operation, NS.CARDCMN, 'CardType');
  const ctId = childText(operation, NS.CARDCMN, 'CtId');
  const slotId = childText(operation, NS.CARDCMN, 'SlotId');
  const entries: CardEntry[] = state.insertedCards().map((slot) => ({
    handle: slot.handle,
    cardType: slot.card.cardType,
    iccsn: slot.card.iccsn,
    ctId: slot.ctId,
    slotId: slot.slotId,
    insertTime: slot.insertTime,
    holderName: slot.card.holderName,
    certificateExpirationDate: slot.card.notAfter.toISOString().slice(0, 10),
  }));
  const egk = state.egkAt(workplaceId);
  if (egk !== undefined) {
    entries.push({
      handle: egk.handle,
      cardType: 'EGK',
      iccsn: egk.card.iccsn,
      ctId: egk.ctId,
      slotId: egk.slotId,
      insertTime: egk.insertTime,
      holderName: holderNameOf(egk.card),
      kvnr: egk.card.kvnr,
      certificateExpirationDate: egk.certificateExpirationDate,
    });
  }
  const cards = entries
    .filter((entry) => cardType === undefined || entry.cardType === cardType)
    .filter((entry) => ctId === undefined || entry.ctId === ctId)
    .filter((entry) => slotId === undefined || String(entry.slotId) === slotId);

  return soapResponse('EVT', 'GetCardsResponse', (response) => {
    addOkStatus(response);
    const list = response.add('CARD', 'Cards');
    for (const card of cards) {
      const entry = list.add('CARD', 'Card');
      entry.add('CONN', 'CardHandle', card.handle);
      entry.add('CARDCMN', 'CardType', card.cardType);
      entry.add('CARDCMN', 'Iccsn', card.iccsn);
      entry.add('CARDCMN', 'CtId', card.ctId);
      entry.add('CARDCMN', 'SlotId', String(card.slotId));
      entry.add('CARD', 'InsertTime', card.insertTime.toISOString());
      entry.add('CARD', 'CardHolderName', card.holderName);
      if (card.kvnr !== undefined) entry.add('CARD', 'Kvnr', card.kvnr);
      entry.add('CARD', 'CertificateExpirationDate', card.certificateExpirationDate);
    }
  });
};
