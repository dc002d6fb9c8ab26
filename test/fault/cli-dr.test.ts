// The DR command line: verify and restore against a folder replica, their output and exit codes.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SYSTEM_USER } from '../../electron/core/context.ts';
import { ROOT } from '../paths.ts';
import { coreClient, smallDbCopy, testCore } from '../helpers.ts';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'cityops.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('cityops verify / restore', () => {
  it('verify passes on a sound replica and names the first bad file after a flipped byte; restore reports what it restored', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'cityops-clidr-'));
    const replica = path.join(tmp, 'replica');
    const core = testCore({ dbPath: smallDbCopy() });
    const rep = core.startReplication({ target: replica, mode: 'sync' });
    while (rep.status().state !== 'ok') await new Promise((r) => setTimeout(r, 20));
    const api = coreClient(core, { actor: 't', via: 'test', user: SYSTEM_USER });
    for (let i = 0; i < 5; i++) await api.ok('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: `cli ${i}` });
    const head = core.app.changelog.head().seq;
    await core.stopReplication();
    core.close();

    const ok = cli('verify', '--from', replica);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/verified 1 snapshots and \d+ segments.*intact/);

    const out = path.join(tmp, 'restored.db');
    const dry = cli('restore', '--from', replica, '--to', out, '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`dry run: would restore sequence ${head}`);
    expect(existsSync(out)).toBe(false);
    const r = cli('restore', '--from', replica, '--to', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`restored .*restored.db: sequence ${head} .*5 cases.*integrity_check ok`));
    const again = cli('restore', '--from', replica, '--to', out);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('never overwrites');
    expect(cli('restore', '--from', replica, '--to', path.join(tmp, 'x.db'), '--at', 'yesterday').status).toBe(2);
    expect(cli('restore', '--from', tmp, '--to', path.join(tmp, 'y.db')).stderr).toContain('not a CityOps replica');

    const seg = readdirSync(path.join(replica, 'segments')).sort()[1];
    const file = path.join(replica, 'segments', seg);
    const buf = readFileSync(file);
    buf[40] ^= 0x04;
    writeFileSync(file, buf);
    const bad = cli('verify', '--from', replica);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`FAILED at segments/${seg}, sequence ${Number(seg.slice(0, 12))}`);
  });
});
