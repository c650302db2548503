/**
 * EventService v7.2 `GetCards` (spec ti-transport §3.3): the inserted cards, optionally filtered by `CARDCMN:CtId`,
 * `CARDCMN:SlotId` and `CARDCMN:CardType`. Each `CARD:Card` in CardService v8.1's element order: CardHandle,
 * CardType, Iccsn, CtId, SlotId, InsertTime, CardHolderName, CertificateExpirationDate (CardVersion and Kvnr are
 * optional and left out). `mandant-wide` changes nothing: all cards belong to the one Mandant.
 */
import { checkContext } from './call-context';
import { addOkStatus, type OperationHandler } from './operation';
import { NS } from './namespaces';
import { childText, soapResponse } from './soap-envelope';

export const getCards: OperationHandler = (operation, { state, context }) => {
  checkContext(operation, context);
  const cardType = childText(operation, NS.CARDCMN, 'CardType');
  const ctId = childText(operation, NS.CARDCMN, 'CtId');
  const slotId = childText(operation, NS.CARDCMN, 'SlotId');
  const cards = state
    .insertedCards()
    .filter((slot) => cardType === undefined || slot.card.cardType === cardType)
    .filter((slot) => ctId === undefined || slot.ctId === ctId)
    .filter((slot) => slotId === undefined || String(slot.slotId) === slotId);

  return soapResponse('EVT', 'GetCardsResponse', (response) => {
    addOkStatus(response);
    const list = response.add('CARD', 'Cards');
    for (const slot of cards) {
      const entry = list.add('CARD', 'Card');
      entry.add('CONN', 'CardHandle', slot.handle);
      entry.add('CARDCMN', 'CardType', slot.card.cardType);
      entry.add('CARDCMN', 'Iccsn', slot.card.iccsn);
      entry.add('CARDCMN', 'CtId', slot.ctId);
      entry.add('CARDCMN', 'SlotId', String(slot.slotId));
      entry.add('CARD', 'InsertTime', slot.insertTime.toISOString());
      entry.add('CARD', 'CardHolderName', slot.card.holderName);
      entry.add('CARD', 'CertificateExpirationDate', slot.card.notAfter.toISOString().slice(0, 10));
    }
  });
};
