// Push events per session. A connection (a browser's WebSocket) receives only the events its user may see — a
// department its own cases' changes, the hall the alerts and SMS — and is ended as soon as its session is: at
// logout, at expiry, when the account is disabled, its password reset or changed, or its sessions revoked.
import type { PushEvent } from '../../../shared/contract/index.ts';
import { mayCall } from '../../../shared/access.ts';
import type { User } from '../../../shared/model.ts';
import type { App } from '../app.ts';

interface Feed {
  token: string;
  listener: (ev: PushEvent) => void;
  onEnd: () => void;
}

/** How often sessions of quiet connections are checked (an expired one is ended even when no event comes). */
const SWEEP_MS = 30_000;

/** The feeds of one core. */
export class SessionFeeds {
  private readonly feeds = new Set<Feed>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly app: App) {
    app.bus.subscribe((ev) => this.deliver(ev));
  }

  /** Adds a feed for a session; returns its removal. `onEnd` is called once when the session ends. */
  add(token: string, listener: (ev: PushEvent) => void, onEnd: () => void): () => void {
    const feed = { token, listener, onEnd };
    this.feeds.add(feed);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), SWEEP_MS);
      this.timer.unref();
    }
    return () => this.feeds.delete(feed);
  }

  /** Ends every feed of a session (logout). */
  ended(token: string): void {
    for (const f of this.feeds) if (f.token === token) this.end(f);
  }

  /** Ends the feeds whose session is no longer valid. */
  sweep(): void {
    for (const f of this.feeds) if (!this.app.auth.resolve(f.token, this.app.now())) this.end(f);
  }

  /** Stops the sweep timer and forgets every feed (core closing). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.feeds.clear();
  }

  private end(f: Feed): void {
    if (!this.feeds.delete(f)) return;
    f.onEnd();
  }

  private deliver(ev: PushEvent): void {
    for (const f of this.feeds) {
      const user = this.app.auth.resolve(f.token, this.app.now());
      if (!user) this.end(f);
      else if (this.visible(user, ev)) f.listener(ev);
    }
  }

  /** Whether a user may receive an event. */
  private visible(user: User, ev: PushEvent): boolean {
    // A user who must change their password sees nothing until they have.
    if (user.id !== 0 && this.app.auth.mustChangePassword(user.id)) return false;
    switch (ev.type) {
      case 'cases.changed':
        return this.app.cases.scope.changeVisible(user, ev.payload);
      case 'alerts.raised':
        return mayCall(user, 'alerts.list');
      case 'sms.changed':
        return mayCall(user, 'sms.outbox');
      case 'import.progress':
        return mayCall(user, 'import.preview');
      default:
        return true;
    }
  }
}
