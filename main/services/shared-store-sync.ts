/**
 * A counter among others on one PostgreSQL (issue 18 items 3 and 5, docs/multi-counter.md §3, §4):
 * - what another counter commits arrives as the app's usual events (`case-changed`, `messages-changed`, …), so the
 *   inbox and an open case follow without a reload; after the listening connection was lost, everything is reloaded
 *   once (`resync`);
 * - the background work (owed operations, 429 waits, the message fetch) runs on one counter at a time: the one
 *   holding the background lock; when it dies, another takes over and catches up at once.
 */
import { parsePrescriptionId } from '../../shared/erezept/identifiers';
import type { SharedStore } from '../store/counter-store';
import { BackgroundOwner } from '../store/postgres/background-owner';
import { ChangeListener, type StoreChange } from '../store/postgres/change-listener';
import type { EventHub } from './events';

export interface SharedStoreSyncDeps {
  shared: SharedStore;
  events: Pick<EventHub, 'emit'>;
  /** this counter's name, in the server's list of sessions (who owns the background work) */
  counterName: () => string;
  /** became (true) or stopped being (false) the background owner */
  onOwnership: (owner: boolean) => void;
  /** the listening connection to the store broke (false) or is back (true) — the store hop of the indicator (§6) */
  onStoreConnection?: (up: boolean) => void;
  /** how often a counter that is not the owner tries to become it (default 30 s, §4) */
  ownerRetryMs?: number;
}

export interface SharedStoreSync {
  isOwner(): boolean;
  stop(): Promise<void>;
}

export async function startSharedStoreSync(deps: SharedStoreSyncDeps): Promise<SharedStoreSync> {
  const { shared, events } = deps;
  const listener = new ChangeListener({
    connection: shared.connection,
    counterId: shared.counterId,
    onChange: (change) => void forward(change),
    ...(deps.onStoreConnection ? { onConnection: deps.onStoreConnection } : {}),
  });

  async function forward(change: StoreChange): Promise<void> {
    switch (change.kind) {
      case 'case': {
        const id = parsePrescriptionId(change.prescriptionId);
        if (id.ok) events.emit({ type: 'case-changed', prescriptionId: id.data });
        else events.emit({ type: 'cases-changed' });
        return;
      }
      case 'messages':
        events.emit({ type: 'messages-changed' });
        return;
      case 'pending':
        events.emit({ type: 'pending-changed' });
        return;
      case 'articles':
        // another counter imported an article master: the catalogue's cache (article-master.ts) and the pages' drop it
        events.emit({ type: 'articles-changed' });
        return;
      case 'settings':
        await shared.reloadSettings().catch(() => undefined); // unreachable: the next change or resync reads again
        events.emit({ type: 'app-info-changed' });
        return;
      case 'resync':
        await shared.reloadSettings().catch(() => undefined);
        for (const type of ['cases-changed', 'messages-changed', 'pending-changed', 'app-info-changed', 'articles-changed'] as const) events.emit({ type });
        return;
    }
  }

  await listener.start();
  const owner = new BackgroundOwner({
    connection: shared.connection,
    counter: deps.counterName(),
    onChange: deps.onOwnership,
    ...(deps.ownerRetryMs !== undefined ? { retryMs: deps.ownerRetryMs } : {}),
  });
  await owner.start();
  return {
    isOwner: () => owner.isOwner(),
    stop: async () => {
      await owner.stop();
      await listener.stop();
    },
  };
}
