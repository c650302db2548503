import type { Channel, ParsedReq, Res } from '../../shared/ipc/contract';

/**
 * One handler per channel (architecture §4): a channel without a handler is a compile error.
 * A handler receives the already validated request and calls exactly one service method.
 */
export type HandlerTable = { [C in Channel]: (req: ParsedReq<C>) => Promise<Res<C>> };
