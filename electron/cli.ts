// `cityops` command line: serve, seed, info, bench. Runs the core under plain Node (no Electron).
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Core } from './core/core.ts';
import { seedDatabase } from './core/seed/seed.ts';
import { startHttpServer } from './core/transport/http.ts';
import { SYSTEM_USER, type CallContext } from './core/context.ts';
import { ROLES, type Role } from '../shared/workflow.ts';
import { ApiError } from '../shared/errors.ts';
import { generateCases } from './core/cases/generate.ts';
import { startReplicaServer } from './core/replication/server.ts';
import { replicaClient, type ReplicaClient } from './core/replication/client.ts';
import { verifyReplica } from './core/replication/verify.ts';
import { restore } from './core/replication/restore.ts';
import { runImport } from './core/gis/importer.ts';
import { exportToFile } from './core/gis/exporter.ts';
import { GIS_FORMATS, type GisFormat, type ImportReport } from '../shared/gis.ts';
import { CRS_DEFS } from '../shared/crs.ts';

const USAGE = `cityops — digital city management centre (数字化城管)

Usage:
  cityops serve --db FILE [--host 127.0.0.1] [--port 8731]   run the hall server (API + browser UI)
  cityops seed  --db FILE [--seed N] [--scale F] [--force]   build the sample city (泰州市海陵区)
  cityops info  --db FILE [--json]                           counts of the centre's data
  cityops user add --db FILE --name NAME --role ROLE [--department CODE] [--street CODE]
                   [--phone N] [--display-name TEXT] --password-stdin
                                                             create an account; roles: ${ROLES.join(', ')}
  cityops user list --db FILE                                accounts
  cityops apikey create --db FILE --name NAME                new Open311 API key (printed on the last line)
  cityops apikey revoke --db FILE --id N                     revoke a key
  cityops apikey list --db FILE                              keys (never the key itself)
  cityops cases generate --db FILE --count N [--seed N]      add N historical cases (benchmarks, training)

Component and grid layers (部件、单元网格):
  cityops import --db FILE --layer components|grid --file PATH [--crs EPSG:NNNN] [--dry-run] [--strict]
                 [--map FIELD=COLUMN,…] [--message TEXT] [--json]
                                                             GeoJSON, Shapefile (.zip), GeoPackage or CSV;
                                                             a report per row; one commit, or nothing
  cityops export --db FILE --layer components|grid --format gpkg|geojson|shp|csv --out PATH
                 [--crs EPSG:NNNN] [--class CODE] [--as-of DATE]
                                                             CRSs: ${Object.keys(CRS_DEFS).join(', ')}

Off-site disaster recovery (异地容灾):
  cityops replica --dir DIR --token TOKEN [--host 127.0.0.1] [--port 8732] [--max-bytes N]
                                                             run the replica server (another host)
  cityops serve --db FILE --replica URL|DIR [--replica-token TOKEN] [--replication sync|async]
                                                             ship every change to the replica
  cityops restore --from URL|DIR [--token TOKEN] --to FILE [--at ISO-8601 | --seq N] [--dry-run]
                                                             build a database from the replica
  cityops verify --from URL|DIR [--token TOKEN]              check every snapshot and segment
  cityops help                                               this text
`;

/** Root of the installed package (holds dist/renderer). */
export function packageRoot(): string {
  return path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
}

function die(msg: string, code = 2): never {
  process.stderr.write(`cityops: ${msg}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  let [cmd, ...rest] = argv;
  // Two-word commands: user add, apikey create, cases generate…
  if ((cmd === 'user' || cmd === 'apikey' || cmd === 'cases') && rest[0] && !rest[0].startsWith('-')) cmd = `${cmd} ${rest.shift()}`;
  const opts = {
    db: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    name: { type: 'string' },
    role: { type: 'string' },
    department: { type: 'string' },
    street: { type: 'string' },
    phone: { type: 'string' },
    'display-name': { type: 'string' },
    'password-stdin': { type: 'boolean' },
    id: { type: 'string' },
    count: { type: 'string' },
    dir: { type: 'string' },
    token: { type: 'string' },
    'max-bytes': { type: 'string' },
    replica: { type: 'string' },
    'replica-token': { type: 'string' },
    replication: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    at: { type: 'string' },
    'dry-run': { type: 'boolean' },
    seq: { type: 'string' },
    layer: { type: 'string' },
    file: { type: 'string' },
    crs: { type: 'string' },
    strict: { type: 'boolean' },
    map: { type: 'string' },
    message: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    class: { type: 'string' },
    'as-of': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: rest, options: opts, strict: true, allowPositionals: false }));
  } catch (e) {
    die(`${(e as Error).message}\n\n${USAGE}`);
  }
  if (!cmd || cmd === 'help' || values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const db = values.db as string | undefined;
  const needDb = () => db ?? die(`${cmd} needs --db FILE`);
  switch (cmd) {
    case 'seed': {
      const file = needDb();
      const seed = values.seed === undefined ? 1 : Number(values.seed);
      const scale = values.scale === undefined ? 1 : Number(values.scale);
      if (!Number.isInteger(seed) || seed < 0) die(`--seed must be a non-negative integer, got ${values.seed}`);
      if (!(scale > 0 && scale <= 1)) die(`--scale must be a number in (0, 1], got ${values.scale}`);
      if (existsSync(file) && !values.force) die(`${file} already exists; pass --force to overwrite it`, 1);
      let last = '';
      const r = seedDatabase(file, {
        seed,
        scale,
        force: !!values.force,
        onProgress: (phase, f) => {
          const line = `seeding ${phase} ${Math.round(f * 100)}%`;
          if (line !== last && process.stderr.isTTY) process.stderr.write(`\r${line}   `);
          last = line;
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      process.stdout.write(
        `seeded ${r.file}: ${r.streets} streets, ${r.communities} communities, ${r.gridCells} grid cells, ${r.components} components, ${r.departments} departments in ${(r.ms / 1000).toFixed(1)} s\n`,
      );
      return;
    }
    case 'info': {
      const file = needDb();
      let core: Core;
      try {
        core = new Core({ dbPath: file, requireSeeded: false });
      } catch (e) {
        die((e as Error).message, 1);
      }
      const info = core.info();
      core.close();
      if (values.json) process.stdout.write(JSON.stringify(info) + '\n');
      else
        process.stdout.write(
          Object.entries(info)
            .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
            .join('\n') + '\n',
        );
      return;
    }
    case 'user add':
    case 'user list':
    case 'apikey create':
    case 'apikey revoke':
    case 'apikey list':
    case 'cases generate': {
      const core = openCore(needDb());
      const ctx: CallContext = { actor: `cli:${process.env.USER ?? 'unknown'}`, via: 'cli', user: SYSTEM_USER };
      try {
        await admin(cmd, core, values, ctx);
      } catch (e) {
        die(e instanceof ApiError ? e.message : (e as Error).message, 1);
      } finally {
        core.close();
      }
      return;
    }
    case 'serve': {
      const file = needDb();
      const port = values.port === undefined ? 8731 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port must be 0–65535, got ${values.port}`);
      let core: Core;
      try {
        core = new Core({ dbPath: file });
        core.warmUp();
        core.startTimers();
        const target = values.replica as string | undefined;
        const mode = (values.replication as string | undefined) ?? 'async';
        if (mode !== 'sync' && mode !== 'async') die(`--replication must be sync or async, got ${mode}`);
        if (target) {
          core.startReplication({
            target,
            token: (values['replica-token'] as string | undefined) ?? process.env.CITYOPS_REPLICA_TOKEN,
            mode: mode as 'sync' | 'async',
          });
          process.stderr.write(`cityops: replicating to ${target} (${mode})\n`);
        } else {
          core.startReplicationFromSettings();
        }
        if (core.auth.count() === 0)
          process.stderr.write(
            `cityops: warning: no accounts yet; create one with: cityops user add --db ${file} --name admin --role admin --password-stdin\n`,
          );
      } catch (e) {
        die((e as Error).message, 1);
      }
      const staticDir = path.join(packageRoot(), 'dist', 'renderer');
      if (!existsSync(path.join(staticDir, 'index.html'))) {
        process.stderr.write(`cityops: warning: no built UI at ${staticDir} (run npm run build); serving the API only\n`);
      }
      const server = await startHttpServer({
        core,
        host: (values.host as string) ?? '127.0.0.1',
        port,
        staticDir,
        health: () => ({ db: path.basename(file), components: core.info().components }),
      });
      process.stdout.write(`listening on ${server.url}\n`);
      const stop = async () => {
        await server.close();
        await core.stopReplication();
        core.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return;
    }
    case 'replica': {
      const dir = (values.dir as string | undefined) ?? die('replica needs --dir DIR');
      const token = (values.token as string | undefined) ?? process.env.CITYOPS_REPLICA_TOKEN ?? die('replica needs --token TOKEN (or CITYOPS_REPLICA_TOKEN)');
      const port = values.port === undefined ? 8732 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port must be 0–65535, got ${values.port}`);
      const maxBytes = values['max-bytes'] === undefined ? undefined : Number(values['max-bytes']);
      let server: Awaited<ReturnType<typeof startReplicaServer>>;
      try {
        server = await startReplicaServer({ dir, token, host: (values.host as string) ?? '127.0.0.1', port, maxBytes });
      } catch (e) {
        die((e as Error).message, 1);
      }
      process.stdout.write(`listening on ${server.url}\n`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return;
    }
    case 'restore':
    case 'verify': {
      const from = (values.from as string | undefined) ?? die(`${cmd} needs --from URL|DIR`);
      const token = (values.token as string | undefined) ?? process.env.CITYOPS_REPLICA_TOKEN;
      let client: ReplicaClient;
      try {
        client = replicaClient(from, token);
      } catch (e) {
        die((e as Error).message, 1);
      }
      try {
        if (cmd === 'verify') {
          const r = await verifyReplica(client);
          if (!r.ok) {
            const p = r.problems[0];
            process.stderr.write(`cityops verify: FAILED at ${p.file}${p.seq != null ? `, sequence ${p.seq}` : ''}: ${p.problem}\n`);
            for (const q of r.problems.slice(1)) process.stderr.write(`  also ${q.file}: ${q.problem}\n`);
            process.exitCode = 1;
          } else {
            process.stdout.write(
              `verified ${r.snapshots} snapshots and ${r.segments} segments, sequences ${r.firstSeq ?? 0}…${r.lastSeq}: all checksums and the hash chain are intact\n`,
            );
          }
          return;
        }
        const to = (values.to as string | undefined) ?? die('restore needs --to FILE');
        let at: number | undefined;
        if (values.at !== undefined) {
          at = Date.parse(values.at as string);
          if (!/^\d{4}-\d\d-\d\dT/.test(values.at as string) || Number.isNaN(at))
            die(`--at must be an ISO-8601 time such as 2026-11-27T10:00:00+08:00, got ${values.at}`);
        }
        const seq = values.seq === undefined ? undefined : Number(values.seq);
        if (seq !== undefined && (!Number.isInteger(seq) || seq < 0)) die(`--seq must be a non-negative integer, got ${values.seq}`);
        const r = await restore({ client, to, seq, at, dryRun: !!values['dry-run'], onProgress: (m) => process.stderr.write(`${m}\n`) });
        const when = new Date(r.at).toISOString();
        process.stdout.write(
          `${r.dryRun ? 'dry run: would restore' : `restored ${r.file}:`} sequence ${r.seq} (changes up to ${when}), from snapshot ${r.snapshotSeq} + ${r.applied} changes; ` +
            `${r.counts.cases} cases, ${r.counts.case_history} case history rows, ${r.counts.components} components, ${r.counts.grid_cells} grid cells, ${r.counts.users} users; ` +
            `chain verified, integrity_check ${r.integrity}; ${(r.ms / 1000).toFixed(1)} s\n`,
        );
        for (const s of r.skippedSnapshots) process.stderr.write(`note: snapshot ${s.seq} skipped: ${s.problem}\n`);
      } catch (e) {
        die((e as Error).message, 1);
      } finally {
        client.close();
      }
      return;
    }
    case 'import':
    case 'export': {
      const layer = values.layer as string | undefined;
      if (layer !== 'components' && layer !== 'grid') die(`${cmd} needs --layer components or --layer grid`);
      const crs = values.crs as string | undefined;
      if (crs !== undefined && !CRS_DEFS[crs]) die(`unsupported CRS ${crs}; use one of ${Object.keys(CRS_DEFS).join(', ')}`);
      const core = openCore(needDb());
      try {
        if (cmd === 'import') cliImport(core, layer, crs, values);
        else cliExport(core, layer, crs, values);
      } finally {
        core.close();
      }
      return;
    }
    default:
      die(`unknown command ${cmd}\n\n${USAGE}`);
  }
}

/** `cityops import`: prints the report; exit 0 when applied (or a clean dry run), 1 when refused or rows failed. */
function cliImport(core: Core, layer: 'components' | 'grid', crs: string | undefined, v: Record<string, string | boolean | undefined>): void {
  const file = (v.file as string | undefined) ?? die('import needs --file PATH');
  const mapping: Record<string, string> = {};
  for (const pair of ((v.map as string | undefined) ?? '').split(',').filter(Boolean)) {
    const [field, col] = pair.split('=');
    if (!field || !col) die(`--map takes FIELD=COLUMN pairs separated by commas, got ${pair}`);
    mapping[field.trim()] = col.trim();
  }
  const tty = process.stderr.isTTY;
  let report: ImportReport;
  try {
    report = runImport(core, path.resolve(file), path.basename(file), {
      layer,
      crs,
      mapping,
      strict: !!v.strict,
      dryRun: !!v['dry-run'],
      message: v.message as string | undefined,
      actor: 'system@cli',
      onProgress: (phase, done, total) => tty && process.stderr.write(`\r${phase} ${done}/${total}   `),
    });
  } catch (e) {
    if (tty) process.stderr.write('\n');
    const r = (e as ApiError).details?.report as ImportReport | undefined;
    if (r) printReport(r, !!v.json);
    die((e as Error).message, 1);
  }
  if (tty) process.stderr.write('\n');
  printReport(report, !!v.json);
  if (report.counts.error > 0) process.exitCode = 1;
}

function printReport(r: ImportReport, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const c = r.counts;
  process.stdout.write(`${r.file}: ${r.format}, ${r.rows} rows, CRS ${r.crs} (${r.crsFrom})${r.encoding ? `, ${r.encoding}` : ''}\n`);
  process.stdout.write(
    `mapping: ${
      Object.entries(r.mapping)
        .map(([f, col]) => `${f}←${col}`)
        .join(', ') || '(none)'
    }\n`,
  );
  for (const p of r.problems) process.stdout.write(`row ${p.row}${p.code ? ` ${p.code}` : ''}: ${p.severity} ${p.field}: ${p.message}\n`);
  if (r.more) process.stdout.write(`… and ${r.more} more problems\n`);
  process.stdout.write(
    `add ${c.add}, update ${c.update}, unchanged ${c.unchanged}; rows with errors ${c.error}; warnings ${c.warning}, fixed ${c.fixed}, filled ${c.filled}\n`,
  );
  process.stdout.write(r.commitId ? `imported as commit ${r.commitId}\n` : 'nothing was written\n');
}

/** `cityops export`. */
function cliExport(core: Core, layer: 'components' | 'grid', crs: string | undefined, v: Record<string, string | boolean | undefined>): void {
  const format = v.format as GisFormat | undefined;
  if (!format || !GIS_FORMATS.includes(format)) die(`export needs --format ${GIS_FORMATS.join('|')}`);
  const out = (v.out as string | undefined) ?? die('export needs --out PATH');
  const asOfRaw = v['as-of'] as string | undefined;
  const asOf = asOfRaw === undefined ? undefined : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(asOfRaw) ? `${asOfRaw}T23:59:59.999+08:00` : asOfRaw);
  if (asOf !== undefined && Number.isNaN(asOf)) die(`--as-of must be a date (YYYY-MM-DD) or an ISO 8601 time, got ${asOfRaw}`);
  const t = Date.now();
  try {
    const n = exportToFile(core, { layer, format, crs, classCode: v.class as string | undefined, asOf }, path.resolve(out));
    process.stdout.write(
      `exported ${n} ${layer === 'grid' ? 'cells' : 'components'} to ${out} (${format}, ${crs ?? (format === 'geojson' ? 'EPSG:4326' : 'EPSG:4490')}) in ${((Date.now() - t) / 1000).toFixed(1)} s\n`,
    );
  } catch (e) {
    die((e as Error).message, 1);
  }
}

function openCore(file: string): Core {
  try {
    return new Core({ dbPath: file });
  } catch (e) {
    die((e as Error).message, 1);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Account, API key and history commands. */
async function admin(cmd: string, core: Core, v: Record<string, string | boolean | undefined>, ctx: CallContext): Promise<void> {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const need = (k: string) => str(k) ?? die(`${cmd} needs --${k}`);
  switch (cmd) {
    case 'user add': {
      const role = need('role');
      if (!ROLES.includes(role as Role)) die(`unknown role ${role}; roles are ${ROLES.join(', ')}`);
      if (!v['password-stdin']) die('give the password on standard input with --password-stdin (never on the command line)');
      const password = await readStdin();
      const u = core.auth.addUser(
        {
          name: need('name'),
          role: role as Role,
          department: str('department') ?? null,
          streetCode: str('street') ?? null,
          phone: str('phone') ?? null,
          displayName: str('display-name'),
          password,
        },
        ctx,
      );
      process.stdout.write(`created user ${u.name} (${u.role}${u.department ? `, ${u.department}` : ''}), id ${u.id}\n`);
      return;
    }
    case 'user list':
      for (const u of core.auth.users()) process.stdout.write(`${u.id}\t${u.name}\t${u.role}\t${u.department ?? ''}\t${u.displayName}\n`);
      return;
    case 'apikey create': {
      const { id, key } = core.auth.createApiKey(need('name'), ctx);
      process.stdout.write(`created API key ${id} for ${str('name')}; it is shown only now:\n${key}\n`);
      return;
    }
    case 'apikey revoke': {
      const id = Number(need('id'));
      if (!Number.isInteger(id) || id <= 0) die('--id must be a positive integer');
      core.auth.revokeApiKey(id, ctx);
      process.stdout.write(`revoked API key ${id}\n`);
      return;
    }
    case 'apikey list':
      for (const k of core.auth.apiKeys()) process.stdout.write(`${k.id}\t${k.name}\t${k.createdAt}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\n`);
      return;
    case 'cases generate': {
      const count = Number(need('count'));
      if (!Number.isInteger(count) || count <= 0 || count > 5_000_000) die('--count must be an integer from 1 to 5,000,000');
      const r = generateCases(core, { count, seed: str('seed') ? Number(str('seed')) : 1 });
      process.stdout.write(`generated ${r.count} cases in ${(r.ms / 1000).toFixed(1)} s\n`);
      return;
    }
  }
}

await main(process.argv.slice(2));
