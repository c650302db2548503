/**
 * CardService v8.1 `GetPinStatus` (spec ti-transport §3.3: the SMC-B must be unlocked): `PIN.SMC` of an inserted
 * SMC-B is VERIFIED, or VERIFIABLE when the control API has switched it off (then ExternalAuthenticate fails).
 * LeftTries is always 3: the simulator counts no wrong PINs.
 */
import { checkContext } from './call-context';
import { Faults } from './konnektor-fault';
import { addOkStatus, requireCard, type OperationHandler } from './operation';
import { NS } from './namespaces';
import { childText, soapResponse } from './soap-envelope';

const SMCB_PIN = 'PIN.SMC';
const LEFT_TRIES = '3';

export const getPinStatus: OperationHandler = (operation, { state, context }) => {
  checkContext(operation, context, state);
  const slot = requireCard(operation, state);
  const pinType = childText(operation, NS.CARDCMN, 'PinTyp');
  if (pinType !== SMCB_PIN) throw Faults.syntax(`PinTyp ${pinType ?? '(fehlt)'} gibt es auf einer SMC-B nicht, erwartet ${SMCB_PIN}`);

  return soapResponse('CARD', 'GetPinStatusResponse', (response) => {
    addOkStatus(response);
    response.add('CARD', 'PinStatus', state.pinVerified(slot.card.iccsn) ? 'VERIFIED' : 'VERIFIABLE');
    response.add('CARD', 'LeftTries', LEFT_TRIES);
  });
};
