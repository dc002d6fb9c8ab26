// The replica token on the command line, through real `cityops` processes: --token-file (its first line; refused when
// group or others may read it, as ssh refuses a private key), CITYOPS_REPLICA_TOKEN, and --token, which still works but
// warns that other users of the machine can read it in the process list.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../paths.ts';
import { spawnCli, tmp, TOKEN } from './replica-fixture.ts';
import { smallDbCopy } from '../helpers.ts';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cityops.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
const VISIBLE = /--token is visible to other users of this machine/;
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops) await s();
});

/** A token file with the given mode; the token on its first line, a comment after it. */
function tokenFile(mode: number, text = `${TOKEN}\n# the replica token of the DR host\n`): string {
  const file = path.join(tmp('rtoken'), 'token');
  writeFileSync(file, text, { mode });
  chmodSync(file, mode); // the umask may have taken bits away
  return file;
}
const status = async (url: string, token: string) => (await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${token}` } })).status;

describe('cityops replica', () => {
  it('--token-file: the token is the file’s first line, and it is not in the process list; no warning', async () => {
    const r = await spawnCli(['replica', '--dir', path.join(tmp('rtoken'), 'replica'), '--port', '0', '--token-file', tokenFile(0o600)], {
      CITYOPS_REPLICA_TOKEN: '',
    });
    stops.push(r.stop);
    expect(await status(r.url, TOKEN)).toBe(200);
    expect(await status(r.url, `${TOKEN}x`)).toBe(401);
    if (existsSync(`/proc/${r.proc.pid}/cmdline`)) expect(readFileSync(`/proc/${r.proc.pid}/cmdline`, 'utf8')).not.toContain(TOKEN);
    expect(r.stderr()).not.toMatch(VISIBLE);
  });

  it.skipIf(process.platform === 'win32')('refuses a token file that group or others may read, saying how to fix it', () => {
    for (const mode of [0o640, 0o604]) {
      const file = tokenFile(mode);
      const r = cli(['replica', '--dir', path.join(tmp('rtoken'), 'replica'), '--port', '0', '--token-file', file]);
      expect(r.status, mode.toString(8)).toBe(1);
      expect(r.stderr).toMatch(/token file .* has permissions 06[04]{2}: .*must not be readable .*by group or others.*chmod 600/);
      expect(r.stdout).not.toMatch(/listening/);
    }
  });

  it('refuses an empty or missing token file, and --token together with --token-file', () => {
    const dir = path.join(tmp('rtoken'), 'replica');
    expect(cli(['replica', '--dir', dir, '--token-file', tokenFile(0o600, '\n')]).stderr).toMatch(/empty.*first line/);
    expect(cli(['replica', '--dir', dir, '--token-file', path.join(tmp('rtoken'), 'nope')]).stderr).toMatch(/token file .*nope/);
    const both = cli(['replica', '--dir', dir, '--token', TOKEN, '--token-file', tokenFile(0o600)]);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--token-file or --token, not both/);
  });

  it('--token still works but warns on stderr; CITYOPS_REPLICA_TOKEN works without a warning', async () => {
    const a = await spawnCli(['replica', '--dir', path.join(tmp('rtoken'), 'replica'), '--port', '0', '--token', TOKEN]);
    stops.push(a.stop);
    expect(await status(a.url, TOKEN)).toBe(200);
    expect(a.stderr()).toMatch(VISIBLE);
    expect(a.stderr()).toMatch(/--token-file/);
    const b = await spawnCli(['replica', '--dir', path.join(tmp('rtoken'), 'replica'), '--port', '0'], { CITYOPS_REPLICA_TOKEN: TOKEN });
    stops.push(b.stop);
    expect(await status(b.url, TOKEN)).toBe(200);
    expect(b.stderr()).not.toMatch(VISIBLE);
  });

  it('the help of replica, restore and verify names --token-file and the environment variable', () => {
    for (const c of ['replica', 'restore', 'verify']) {
      const h = cli([c, '--help']);
      expect(h.status, c).toBe(0);
      expect(h.stdout, c).toMatch(/--token-file FILE/);
      expect(h.stdout, c).toMatch(/CITYOPS_REPLICA_TOKEN/);
      expect(h.stdout, c).toMatch(/visible to other users/);
    }
  });
});

describe('cityops verify and restore against the replica server', () => {
  it('take the token from --token-file or the environment, warn on --token, and refuse a readable token file', async () => {
    const r = await spawnCli(['replica', '--dir', path.join(tmp('rtoken'), 'replica'), '--port', '0'], { CITYOPS_REPLICA_TOKEN: TOKEN });
    stops.push(r.stop);
    const good = tokenFile(0o600);
    const v = cli(['verify', '--from', r.url, '--token-file', good], { CITYOPS_REPLICA_TOKEN: '' });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/verified 0 snapshots and 0 segments/);
    expect(v.stderr).not.toMatch(VISIBLE);
    expect(cli(['verify', '--from', r.url], { CITYOPS_REPLICA_TOKEN: TOKEN }).status).toBe(0);
    const warned = cli(['verify', '--from', r.url, '--token', TOKEN]);
    expect(warned.status).toBe(0);
    expect(warned.stderr).toMatch(VISIBLE);
    const wrong = cli(['verify', '--from', r.url, '--token-file', tokenFile(0o600, 'not-the-token-0123456789\n')], { CITYOPS_REPLICA_TOKEN: '' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/wrong or missing replica token/);
    if (process.platform !== 'win32') {
      const open = cli(['verify', '--from', r.url, '--token-file', tokenFile(0o644)]);
      expect(open.status).toBe(1);
      expect(open.stderr).toMatch(/must not be readable .*by group or others/);
    }
    // restore authenticates with the file too: the empty replica answers that it has nothing to restore, not 401.
    const out = path.join(tmp('rtoken'), 'restored.db');
    const rs = cli(['restore', '--from', r.url, '--token-file', good, '--to', out], { CITYOPS_REPLICA_TOKEN: '' });
    expect(rs.status).toBe(1);
    expect(rs.stderr).toMatch(/has no snapshot to restore from/);
    expect(rs.stderr).not.toMatch(VISIBLE);
  });
});

describe('cityops serve', () => {
  it('ships to an HTTP replica with --replica-token-file, and refuses one that others may read', async () => {
    const replica = await spawnCli(['replica', '--dir', path.join(tmp('rtoken'), 'replica'), '--port', '0', '--token-file', tokenFile(0o600)], {
      CITYOPS_REPLICA_TOKEN: '',
    });
    stops.push(replica.stop);
    const db = smallDbCopy();
    const open = cli(['serve', '--db', db, '--port', '0', '--replica', replica.url, '--replica-token-file', tokenFile(0o644)]);
    expect(open.status).toBe(1);
    expect(open.stderr).toMatch(/has permissions 0644/);
    const serve = await spawnCli(['serve', '--db', db, '--port', '0', '--replica', replica.url, '--replica-token-file', tokenFile(0o600)], {
      CITYOPS_REPLICA_TOKEN: '',
    });
    stops.push(serve.stop);
    if (existsSync(`/proc/${serve.proc.pid}/cmdline`)) expect(readFileSync(`/proc/${serve.proc.pid}/cmdline`, 'utf8')).not.toContain(TOKEN);
    // The centre's first snapshot reaches the replica: the token was right.
    const snapshots = async () =>
      ((await (await fetch(`${replica.url}/v1/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { snapshots: unknown[] }).snapshots
        .length;
    for (let i = 0; i < 200 && (await snapshots()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await snapshots()).toBeGreaterThan(0);
    expect(serve.stderr()).not.toMatch(/visible to other users/);
  });
});
