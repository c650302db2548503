import type { AppEvent } from '../../shared/ipc/contract';

/** Events from main to the renderer (architecture §4); Electron forwards them over IPC, browser mode over its stream. */
export class EventHub {
  private readonly listeners = new Set<(event: AppEvent) => void>();

  subscribe(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener (e.g. a closed window) must not stop the others.
      }
    }
  }
}
