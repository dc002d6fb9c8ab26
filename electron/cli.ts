// `cityops`: the command line. Each subcommand is a file of its own under electron/cli/ with its options and help;
// this entry picks one. Runs the core under plain Node (no Electron).
import { die, helpOf, parseValues, type Command } from './cli/command.ts';
import { serve } from './cli/serve.ts';
import { seed } from './cli/seed.ts';
import { info } from './cli/info.ts';
import { userAdd, userLifecycle, userList } from './cli/user.ts';
import { apikeyCreate, apikeyList, apikeyRevoke } from './cli/apikey.ts';
import { casesGenerate } from './cli/cases.ts';
import { replica } from './cli/replica.ts';
import { restore, verify } from './cli/restore.ts';
import { signingKey } from './cli/signingKey.ts';
import { importLayer } from './cli/import.ts';
import { exportLayer } from './cli/export.ts';

const COMMANDS: Command[] = [
  serve,
  seed,
  info,
  userAdd,
  userList,
  ...userLifecycle,
  apikeyCreate,
  apikeyRevoke,
  apikeyList,
  casesGenerate,
  importLayer,
  exportLayer,
  replica,
  restore,
  verify,
  signingKey,
];

/** `cityops help`: every subcommand with its summary. */
function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `cityops — digital city management centre (数字化城管)

Usage: cityops COMMAND [OPTIONS]     (cityops COMMAND --help for its options)

${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}
  ${'help'.padEnd(width)}  this text
`;
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (!first || first === 'help' || first === '--help' || first === '-h') {
    process.stdout.write(usage());
    return;
  }
  // Two-word commands: user add, apikey create, cases generate…
  const two = rest[0] && !rest[0].startsWith('-') ? `${first} ${rest[0]}` : null;
  const cmd = COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === first);
  if (!cmd) die(`unknown command ${[first, rest[0]].filter(Boolean).join(' ')}\n\n${usage()}`);
  const values = parseValues(cmd, cmd.name === two ? rest.slice(1) : rest);
  if (values.help) {
    process.stdout.write(helpOf(cmd));
    return;
  }
  await cmd.run(values);
}

await main(process.argv.slice(2));
