// Reading the replica token from a file (`--token-file`), so it never appears on a command line, where every user of
// the machine can read it (ps, /proc/PID/cmdline). Like ssh with a private key, a file that group or others may read
// or write is refused: the token would be no secret, or could be replaced.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The token: the first line of `file`, trimmed. Throws a message that says what is wrong and how to fix it. */
export function readTokenFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new Error(`cannot read token file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`token file ${file} is not a regular file`);
    const mode = st.mode & 0o777;
    if (process.platform !== 'win32' && mode & 0o077) {
      throw new Error(
        `token file ${file} has permissions ${mode.toString(8).padStart(4, '0')}: it must not be readable or writable by group or others (chmod 600 ${file})`,
      );
    }
    // The first line is all that is needed; a few kilobytes hold any sensible token.
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const token = buf.subarray(0, n).toString('utf8').split(/\r?\n/, 1)[0].trim();
    if (!token) throw new Error(`token file ${file} is empty: its first line must be the token`);
    return token;
  } finally {
    closeSync(fd);
  }
}
