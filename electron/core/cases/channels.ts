// Intake channels (案件来源): supervisor reports, the 12319 hotline, Open311, SMS… A table the centre extends.
import type { Db } from '../db/connection.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { ChannelInfo } from '../../../shared/model.ts';
import { audit, type CallContext } from '../context.ts';

/** The channel table. */
export class Channels {
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      all: db.prepare('SELECT code, name, needs_verify FROM channels ORDER BY ord'),
      one: db.prepare('SELECT code FROM channels WHERE code = ?'),
      add: db.prepare('INSERT INTO channels (code, name, needs_verify, ord) VALUES (?, ?, ?, (SELECT coalesce(max(ord), 0) + 1 FROM channels))'),
    };
  }

  /** Every channel in display order. */
  list(): ChannelInfo[] {
    return (this.q.all.all() as { code: string; name: string; needs_verify: number }[]).map((r) => ({
      code: r.code,
      name: r.name,
      needsVerify: !!r.needs_verify,
    }));
  }

  /** Refuses an unknown channel, naming the known ones. */
  require(code: string): void {
    if (this.q.one.get(code)) return;
    throw new ApiError(
      'BAD_INPUT',
      `unknown channel ${code}; channels are ${this.list()
        .map((c) => c.code)
        .join(', ')}`,
      { field: 'channel' },
    );
  }

  /** Adds a channel at the end of the list; a code in use is a conflict. */
  add(c: ChannelInfo, ctx: CallContext): ChannelInfo[] {
    if (this.q.one.get(c.code)) throw new ApiError('CONFLICT', `channel ${c.code} already exists`, { field: 'code' });
    this.db.transaction(() => {
      this.q.add.run(c.code, c.name, c.needsVerify ? 1 : 0);
      audit(this.db, ctx, 'channels.add', c.code, JSON.stringify(c));
    })();
    return this.list();
  }
}
