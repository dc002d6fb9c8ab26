// cityops apikey create | revoke | list: the API keys of Open311 clients.
import { die, need, systemCall, withCore, type Command } from './command.ts';

export const apikeyCreate: Command = {
  name: 'apikey create',
  summary: 'a new Open311 API key, printed once on the last line (only its hash is stored)',
  usage: '--db FILE --name NAME',
  options: { db: { type: 'string' }, name: { type: 'string' } },
  async run(v) {
    const name = need(this, v, 'name');
    await withCore(need(this, v, 'db'), async (core) => {
      const { id, key } = await systemCall(core, 'apikeys.create', { name });
      process.stdout.write(`created API key ${id} for ${name}; it is shown only now:\n${key}\n`);
    });
  },
};

export const apikeyRevoke: Command = {
  name: 'apikey revoke',
  summary: 'revoke an Open311 API key',
  usage: '--db FILE --id N',
  options: { db: { type: 'string' }, id: { type: 'string' } },
  async run(v) {
    const id = Number(need(this, v, 'id'));
    if (!Number.isInteger(id) || id <= 0) die('--id must be a positive integer');
    await withCore(need(this, v, 'db'), async (core) => {
      await systemCall(core, 'apikeys.revoke', { id });
      process.stdout.write(`revoked API key ${id}\n`);
    });
  },
};

export const apikeyList: Command = {
  name: 'apikey list',
  summary: 'Open311 API keys (never the key itself)',
  usage: '--db FILE',
  options: { db: { type: 'string' } },
  async run(v) {
    await withCore(need(this, v, 'db'), async (core) => {
      for (const k of await systemCall(core, 'apikeys.list', {}))
        process.stdout.write(`${k.id}\t${k.name}\t${k.createdAt}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\n`);
    });
  },
};
