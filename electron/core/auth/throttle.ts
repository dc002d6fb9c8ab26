// Login throttling: after a few failures a user name, and after more an address, must wait before the next try,
// the wait doubling with each further failure (so guessing a password over the network takes years, while a user
// who mistypes waits a minute). Counters live in memory: a restarted server starts them afresh.
/** Failures a name may have before it waits. */
export const NAME_FREE_FAILURES = 5;
/** Failures an address may have (across names) before it waits. */
export const ADDRESS_FREE_FAILURES = 20;
/** The first wait, doubled at each further failure, up to MAX_WAIT_MS. */
const FIRST_WAIT_MS = 60_000;
const MAX_WAIT_MS = 60 * 60_000;
/** Failures older than this are forgotten. */
const WINDOW_MS = 24 * 3600_000;

interface Counter {
  failures: number;
  last: number;
  until: number;
}

/** Failure counters per user name and per address. */
export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();

  /** When the keys may try again (epoch ms), or 0 when they may now. */
  blockedUntil(keys: string[], now: number): number {
    let until = 0;
    for (const k of keys) {
      const c = this.counters.get(k);
      if (c && now - c.last < WINDOW_MS && c.until > now) until = Math.max(until, c.until);
    }
    return until;
  }

  /** Records a failure of each key. */
  failed(keys: string[], now: number): void {
    for (const k of keys) {
      const old = this.counters.get(k);
      const failures = old && now - old.last < WINDOW_MS ? old.failures + 1 : 1;
      const free = k.startsWith('addr:') ? ADDRESS_FREE_FAILURES : NAME_FREE_FAILURES;
      const wait = failures <= free ? 0 : Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - free - 1));
      this.counters.set(k, { failures, last: now, until: now + wait });
    }
    if (this.counters.size > 100_000) this.forget(now);
  }

  /** A successful login clears its name's counter (the address keeps its own). */
  succeeded(key: string): void {
    this.counters.delete(key);
  }

  private forget(now: number): void {
    for (const [k, c] of this.counters) if (now - c.last >= WINDOW_MS) this.counters.delete(k);
  }
}
