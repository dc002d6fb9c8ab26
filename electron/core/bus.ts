// Push events from the core to every connected client. Inside a group commit an event waits until the data it
// announces is committed (a client that reloads on the event must find it).
import type { PushEvent } from '../../shared/contract/index.ts';

/** Listeners of push events. */
export class EventBus {
  private readonly listeners = new Set<(ev: PushEvent) => void>();
  private deferred: PushEvent[] | null = null;

  /** Adds a listener; returns its removal. */
  subscribe(listener: (ev: PushEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes an event, after the current group commit if one is running. */
  emit(ev: PushEvent): void {
    if (this.deferred) this.deferred.push(ev);
    else this.emitNow(ev);
  }

  /** Publishes at once, even inside a commit: progress of work that is still running. */
  emitNow(ev: PushEvent): void {
    for (const l of this.listeners) l(ev);
  }

  /** Runs `fn` with events held back; returns them (the caller publishes them after the commit, or drops them). */
  holding(fn: () => void): PushEvent[] {
    const held: PushEvent[] = [];
    this.deferred = held;
    try {
      fn();
    } finally {
      this.deferred = null;
    }
    return held;
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
