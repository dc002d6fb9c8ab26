// cityops user add | list: accounts, through the contract (users.add checks the name, role and password).
import { ROLES } from '../../shared/roles.ts';
import { die, need, str, systemCall, withCore, type Command } from './command.ts';

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
  summary: 'accounts (id, name, role, department, display name)',
  usage: '--db FILE',
  options: { db: { type: 'string' } },
  async run(v) {
    await withCore(need(this, v, 'db'), async (core) => {
      for (const u of await systemCall(core, 'users.list', {}))
        process.stdout.write(`${u.id}\t${u.name}\t${u.role}\t${u.department ?? ''}\t${u.displayName}\n`);
    });
  },
};
