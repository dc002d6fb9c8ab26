// cityops signing-key: the public half of the key this centre signs its replicated history with, to pin where the
// replica is verified or restored (cityops verify|restore --public-key FILE).
import { readFileSync, writeFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { publicKeyFrom } from '../core/replication/signing.ts';
import { die, need, systemCall, withCore, type Command, type Values } from './command.ts';

export const signingKey: Command = {
  name: 'signing-key',
  summary: "print (or --out FILE write) the centre's public signing key and its fingerprint",
  usage: `--db FILE [--out FILE]

  the key is made on first use and kept in the database's local secrets (never replicated); read the fingerprint
  to the DR site over the phone and compare it with what cityops verify --public-key prints`,
  options: { db: { type: 'string' }, out: { type: 'string' } },
  async run(v) {
    await withCore(need(this, v, 'db'), async (core) => {
      const k = await systemCall(core, 'replication.signingKey', {});
      if (v.out) {
        writeFileSync(v.out as string, k.publicKey, { flag: 'wx' });
        process.stdout.write(`wrote ${v.out as string}; fingerprint ${k.fingerprint}\n`);
      } else process.stdout.write(`${k.publicKey}fingerprint ${k.fingerprint}\n`);
    });
  },
};

export const PUBLIC_KEY_OPTION = { 'public-key': { type: 'string' } } as const;
export const PUBLIC_KEY_HELP = `--public-key FILE  the centre's public key (cityops signing-key): everything not signed with it is refused`;

/** The key of --public-key, or undefined; dies with a clear message when the file is not a usable key. */
export function publicKeyOption(v: Values): KeyObject | undefined {
  if (v['public-key'] === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(v['public-key'] as string, 'utf8');
  } catch (e) {
    return die(`--public-key: cannot read ${v['public-key'] as string}: ${(e as Error).message}`);
  }
  try {
    return publicKeyFrom(pem);
  } catch (e) {
    return die(`--public-key ${v['public-key'] as string}: ${(e as Error).message}`);
  }
}
