// Every acknowledged write survives kill -9 of the server (WAL + synchronous=FULL). A real process is killed.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { addUsers, httpClient, passwordOf, smallDbCopy, startServe } from '../helpers.ts';

describe('durability', () => {
  it('keeps every acknowledged settings write after SIGKILL of cityops serve', async () => {
    const file = smallDbCopy();
    await addUsers(file, [{ name: 'admin1', role: 'admin' }]);
    const s = await startServe(file);
    const { token } = await httpClient(s.url).ok('auth.login', { name: 'admin1', password: passwordOf('admin1') });
    const api = httpClient(s.url, () => token);
    const acked: number[] = [];
    for (let i = 1; i <= 25; i++) {
      const r = await api.call('settings.set', { baseLayer: { kind: 'xyz', url: `http://127.0.0.1:9/${i}/{z}/{x}/{y}.png`, opacity: 1 } });
      if (r.ok) acked.push(i);
    }
    s.proc.kill('SIGKILL');
    await new Promise((r) => s.proc.once('exit', r));
    expect(acked.length).toBe(25);
    const db = new Database(file, { readonly: true });
    const value: { url: string } = JSON.parse((db.prepare("SELECT value FROM settings WHERE key = 'baseLayer'").get() as { value: string }).value);
    const audits = (db.prepare("SELECT count(*) AS n FROM audit WHERE action = 'settings.set'").get() as { n: number }).n;
    db.close();
    expect(value.url).toBe('http://127.0.0.1:9/25/{z}/{x}/{y}.png');
    expect(audits).toBe(25);
  });
});
