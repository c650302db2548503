/**
 * The names of the IPC channels (architecture §4), without their schemas. The preload needs only the names, and
 * it is bundled into one file with everything it imports (a sandboxed preload cannot load modules) — importing
 * contract.ts there would pull zod into it. contract.ts declares one request and one response schema for each
 * name here, and does not compile when the two differ. No zod and nothing else that has to run here.
 */
export const channels = [
  'erx:getAppInfo',
  'erx:setStaff',
  'erx:scanCode',
  'erx:listCases',
  'erx:getCase',
  'erx:saveDraft',
  'erx:submitDispense',
  'erx:closeCase',
  'erx:rejectCase',
  'erx:abortCase',
  'erx:refetchReceipt',
  'erx:recoverSecret',
  'erx:previewPatientView',
  'erx:getConnection',
  'erx:getTiSettings',
  'erx:saveTiSettings',
  'erx:listSmcbs',
  'erx:holdCase',
  'erx:takeOverCase',
  'erx:releaseCase',
  'erx:createEnrolmentCode',
  'erx:egkPoll',
  'erx:egkLookup',
  'erx:egkAccept',
  'erx:listMessages',
  'erx:setMessageRetentionDays',
  'erx:getPharmacySetup',
  'erx:savePharmacySetup',
  'erx:refreshMessages',
  'erx:acceptMessage',
  'erx:dismissMessage',
  'erx:caseMessages',
  'erx:sendReply',
  'erx:deleteReply',
  'erx:acknowledgeIdpConsent',
  'erx:diagnoseConnection',
  'erx:listPendingOperations',
  'erx:resumePendingOperations',
  'erx:cancelPendingOperation',
  'erx:cancelRetry',
  'erx:lookupArticles',
  'erx:searchArticles',
  'erx:articleCatalogInfo',
  'erx:importArticles',
  'erx:selectBackend',
  'erx:trainerListScenarios',
  'erx:trainerLoadScenario',
  'erx:trainerCurrentScenario',
  'erx:trainerReset',
  'erx:trainerAdvanceClock',
  'erx:trainerPatientView',
  'erx:trainerPatientReplies',
  'erx:trainerInsertEgk',
] as const satisfies readonly `erx:${string}`[];

export type Channel = (typeof channels)[number];

/** The bridge method of a channel (`erx:scanCode` → `scanCode`): `window.erx.scanCode(…)`. */
export type BridgeMethod<C extends Channel = Channel> = C extends `erx:${infer M}` ? M : never;

/** Events from main to the renderer travel on this one channel. */
export const EVENT_CHANNEL = 'erx:event';

const PREFIX = 'erx:';
const known: ReadonlySet<string> = new Set(channels);

export const isChannel = (name: string): name is Channel => known.has(name);

/** Maps a bridge method name back to its channel. */
export const channelOf = (method: string): Channel | undefined => {
  const channel = `${PREFIX}${method}`;
  return isChannel(channel) ? channel : undefined;
};

const methodName = (channel: Channel): string => channel.slice(PREFIX.length);

function hasEveryMethod<T>(table: Record<string, T>): table is Record<BridgeMethod, T> {
  return channels.every((channel) => Object.hasOwn(table, methodName(channel)));
}

/** One member per bridge method, made from its channel: the methods of `window.erx`. */
export function perBridgeMethod<T>(make: (channel: Channel) => T): Record<BridgeMethod, T> {
  const table: Record<string, T> = {};
  for (const channel of channels) table[methodName(channel)] = make(channel);
  // Always true — it proves to the compiler what the loop did, without a cast.
  if (!hasEveryMethod(table)) throw new Error('IPC-Kanäle unvollständig');
  return table;
}
