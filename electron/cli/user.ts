// cityops user add | list | disable | enable | reset-password | set | revoke: accounts, through the contract (users.add
// checks the name, role and password; the lifecycle methods check the rest), audited as system(cli:USER).
import { ROLES, type Role } from '../../shared/roles.ts';
import type { Core } from '../core/core.ts';
import { die, need, str, systemCall, withCore, type Command, type Values } from './command.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export const userAdd: Command = {
  name: 'user add',
  summary: 'create an account; the password comes on standard input, never on the command line',
  usage: `--db FILE --name NAME --role ROLE [--department CODE] [--street CODE] [--phone N] [--display-name TEXT] --password-stdin

  roles: ${ROLES.join(', ')}
  a department user needs --department (a level-2, 3 or 4 unit); a supervisor may have --street`,
  options: {
    db: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    department: { type: 'string' },
    street: { type: 'string' },
    phone: { type: 'string' },
    'display-name': { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  async run(v) {
    const file = need(this, v, 'db');
    const name = need(this, v, 'name');
    const role = need(this, v, 'role');
    if (!(ROLES as readonly string[]).includes(role)) die(`unknown role ${role}; roles are ${ROLES.join(', ')}`);
    if (!v['password-stdin']) die('give the password on standard input with --password-stdin (never on the command line)');
    const password = await readStdin();
    await withCore(file, async (core) => {
      const u = await systemCall(core, 'users.add', {
        name,
        role: role as (typeof ROLES)[number],
        department: str(v, 'department'),
        streetCode: str(v, 'street'),
        phone: str(v, 'phone'),
        displayName: str(v, 'display-name'),
        password,
      });
      process.stdout.write(`created user ${u.name} (${u.role}${u.department ? `, ${u.department}` : ''}), id ${u.id}\n`);
    });
  },
};

export const userList: Command = {
  name: 'user list',
  summary: 'accounts (id, name, role, department, display name, state), disabled ones included',
  usage: '--db FILE',
  options: { db: { type: 'string' } },
  async run(v) {
    await withCore(need(this, v, 'db'), async (core) => {
      for (const u of await systemCall(core, 'users.accounts', {})) {
        const state = u.disabled ? 'disabled' : u.mustChangePassword ? 'must-change-password' : 'active';
        process.stdout.write(`${u.id}\t${u.name}\t${u.role}\t${u.department ?? ''}\t${u.displayName}\t${state}\n`);
      }
    });
  },
};

/** The id of the account named --name (exits 1 when there is none). */
async function idOf(core: Core, name: string): Promise<number> {
  const u = (await systemCall(core, 'users.accounts', {})).find((a) => a.name === name);
  return u ? u.id : die(`no user named ${name}`, 1);
}

const named = { db: { type: 'string' }, name: { type: 'string' }, reason: { type: 'string' } } as const;

/** A lifecycle command on one named account. */
function onAccount(name: string, summary: string, act: (core: Core, id: number, v: Values) => Promise<string>): Command {
  return {
    name,
    summary,
    usage: '--db FILE --name NAME [--reason TEXT]',
    options: named,
    async run(v) {
      const file = need(this, v, 'db');
      const user = need(this, v, 'name');
      await withCore(file, async (core) => {
        process.stdout.write(`${await act(core, await idOf(core, user), v)}\n`);
      });
    },
  };
}

export const userDisable = onAccount('user disable', 'disable an account: it cannot log in and its sessions end now', async (core, id, v) => {
  const a = await systemCall(core, 'users.disable', { id, reason: str(v, 'reason') });
  return `disabled ${a.name}`;
});

export const userEnable = onAccount('user enable', 'enable a disabled account', async (core, id, v) => {
  const a = await systemCall(core, 'users.enable', { id, reason: str(v, 'reason') });
  return `enabled ${a.name}`;
});

export const userResetPassword = onAccount(
  'user reset-password',
  'give an account a generated password, printed once on the last line; it must be changed at the next login',
  async (core, id, v) => {
    const r = await systemCall(core, 'users.resetPassword', { id, reason: str(v, 'reason') });
    return `new password of ${r.account.name} (shown once; to be changed at the next login):\n${r.password}`;
  },
);

export const userRevoke = onAccount('user revoke', 'end every session of an account now', async (core, id, v) => {
  const r = await systemCall(core, 'users.revokeSessions', { id, reason: str(v, 'reason') });
  return `ended ${r.revoked} session(s)`;
});

/** An option that may be cleared with '-': undefined when absent, null for '-'. */
const clearable = (v: Values, k: string): string | null | undefined => {
  const s = str(v, k);
  return s === '-' ? null : s;
};

export const userSet: Command = {
  name: 'user set',
  summary: "change an account's role, department, street, display name or phone",
  usage: `--db FILE --name NAME [--role ROLE] [--department CODE|-] [--street CODE|-] [--display-name TEXT] [--phone N|-] [--reason TEXT]

  '-' clears a department, street or phone; a department user needs a department, no other role has one`,
  options: {
    ...named,
    role: { type: 'string' },
    department: { type: 'string' },
    street: { type: 'string' },
    'display-name': { type: 'string' },
    phone: { type: 'string' },
  },
  async run(v) {
    const file = need(this, v, 'db');
    const user = need(this, v, 'name');
    const role = str(v, 'role');
    if (role !== undefined && !(ROLES as readonly string[]).includes(role)) die(`unknown role ${role}; roles are ${ROLES.join(', ')}`);
    await withCore(file, async (core) => {
      const a = await systemCall(core, 'users.update', {
        id: await idOf(core, user),
        role: role as Role | undefined,
        department: clearable(v, 'department'),
        streetCode: clearable(v, 'street'),
        displayName: str(v, 'display-name'),
        phone: clearable(v, 'phone'),
        reason: str(v, 'reason'),
      });
      process.stdout.write(`${a.name}: ${a.role}${a.department ? `, ${a.department}` : ''}${a.streetCode ? `, street ${a.streetCode}` : ''}\n`);
    });
  },
};

/** The lifecycle subcommands, for the command table (electron/cli.ts). */
export const userLifecycle: Command[] = [userDisable, userEnable, userResetPassword, userSet, userRevoke];
