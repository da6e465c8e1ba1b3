/**
 * Ingest benchmark (not a test): a synthetic Million Music Playlists dataset into a fresh native PostgreSQL
 * database, timed per phase, then the same ingest again (the update path).
 *
 *   npm run bench:ingest -- [--songs N] [--interactions M] [--users U] [--seed S] [--keep]
 *
 * BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) must be allowed to create databases.
 * The dataset is cached in bench/data/ per parameter set; the figures go to bench/results/ingest-<N>.md.
 */
import { execFileSync } from 'node:child_process';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { arch, availableParallelism, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import pg from 'pg';
import type { CopyValue, Database, Row } from '../db/database.ts';
import { ingestKaggle, type KaggleIngestReport } from '../db/ingest/kaggle.ts';
import type { IngestProgress } from '../db/ingest/staging.ts';
import { migrate } from '../db/migrate.ts';
import { openPostgres } from '../db/postgres.ts';
import {
  INTERACTIONS,
  type SyntheticKaggleFiles,
  type SyntheticKaggleOptions,
  TRACK_META,
  writeSyntheticKaggle,
} from './synthetic-kaggle.ts';

/** Bump when the generator's output changes, so cached datasets are regenerated. */
const GENERATOR_VERSION = 1;
const DATABASE_NAME = 'sonic_mood_bench_ingest';
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

interface Options {
  songs: number;
  interactions: number;
  users: number | undefined;
  seed: number;
  keep: boolean;
}

function count(value: string): number {
  const n = Number(value.replaceAll(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function seedValue(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffff_ffff) {
    throw new InvalidArgumentError('expected a whole number in [0, 2^32)');
  }
  return n;
}

const program = new Command('bench:ingest')
  .description('Benchmark the Kaggle ingest on a synthetic dataset against native PostgreSQL')
  .option('--songs <n>', 'rows in track_meta.tsv', count, 1_000_000)
  .option('--interactions <n>', 'rows in user_item_interaction.csv', count, 5_000_000)
  .option('--users <n>', 'distinct users (default: interactions / 50)', count)
  .option('--seed <n>', 'PRNG seed', seedValue, 42)
  .option('--keep', 'keep the benchmark database afterwards', false)
  .parse();
const opts = program.opts<Options>();

// ---------------------------------------------------------------------------------------------------------
// Formatting

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtSec = (ms: number) => (ms / 1000).toFixed(2);
const fmtMiB = (bytes: number) => {
  const mib = bytes / 1024 / 1024;
  return mib.toFixed(mib < 10 ? 1 : 0);
};
const pad = (text: string, width: number) => text.padStart(width);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

function commandLine(): string {
  const args = process.argv.slice(2).map(shellQuote).join(' ');
  const env = process.env.BENCH_PG_ADMIN_URL ? `BENCH_PG_ADMIN_URL=${shellQuote(redact(ADMIN_URL))} ` : '';
  return process.env.npm_lifecycle_event === 'bench:ingest'
    ? `${env}npm run bench:ingest${args ? ` -- ${args}` : ''}`
    : `${env}npx tsx bench/ingest.ts${args ? ` ${args}` : ''}`;
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

// ---------------------------------------------------------------------------------------------------------
// Dataset

interface Manifest extends SyntheticKaggleOptions {
  readonly generatorVersion: number;
  readonly files: SyntheticKaggleFiles;
}

async function dataset(
  options: SyntheticKaggleOptions,
): Promise<{ files: SyntheticKaggleFiles; generatedMs: number | undefined }> {
  const { songs, interactions, users, seed } = options;
  const dir = join(BENCH_DIR, 'data', `kaggle-s${songs}-i${interactions}-u${users}-seed${seed}`);
  const manifestPath = join(dir, 'manifest.json');
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    if (
      manifest.generatorVersion === GENERATOR_VERSION &&
      manifest.songs === songs &&
      manifest.interactions === interactions &&
      manifest.users === users &&
      manifest.seed === seed
    ) {
      await access(join(dir, TRACK_META));
      await access(join(dir, INTERACTIONS));
      console.log(`dataset: reusing ${dir}`);
      return {
        files: { ...manifest.files, trackMeta: join(dir, TRACK_META), interactions: join(dir, INTERACTIONS) },
        generatedMs: undefined,
      };
    }
  } catch {
    // No (usable) cached dataset: generate it.
  }
  console.log(`dataset: generating ${dir} …`);
  const started = performance.now();
  const files = await writeSyntheticKaggle(dir, options);
  const generatedMs = performance.now() - started;
  const manifest: Manifest = { generatorVersion: GENERATOR_VERSION, ...options, files };
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`dataset: ${fmtMiB(files.bytes)} MiB written in ${fmtSec(generatedMs)} s`);
  return { files, generatedMs };
}

// ---------------------------------------------------------------------------------------------------------
// Measuring

/** Peak resident set size of this process, sampled every 100 ms. */
class RssSampler {
  peak = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.peak = process.memoryUsage().rss;
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage().rss);
    }, 100);
  }

  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return this.peak;
  }
}

interface Statement {
  readonly what: string;
  readonly ms: number;
}

function describe(sql: string): string {
  const text = sql
    .replaceAll(/ingest_(\w+?)_[0-9a-f]{8}/g, 'ingest_$1_*')
    .replaceAll(/\s+/g, ' ')
    .trim();
  if (/^CREATE UNLOGGED TABLE/i.test(text)) return `create ${text.split(' ')[3]}`;
  if (/^DROP TABLE/i.test(text)) return `drop ${text.split(' ').at(-1)}`;
  if (/count\(\*\) - count\(DISTINCT song_id\)/.test(text)) return 'count duplicate ids';
  if (/NOT EXISTS/.test(text)) return 'count interactions of unknown songs';
  if (/INSERT INTO songs/.test(text)) return 'aggregate interactions + upsert songs';
  return text.slice(0, 60);
}

/** The same database, recording the wall time of every statement and COPY that the ingest runs. */
class TimedDatabase {
  readonly statements: Statement[] = [];
  private readonly running = new Set<{ readonly what: string; readonly started: number }>();

  constructor(private readonly inner: Database) {}

  /** When the earliest statement still running began, if any is running. */
  /** When the oldest statement still running began; a session (the ingest holds one throughout) is not a statement. */
  runningSince(): number | undefined {
    const statements = [...this.running].filter((r) => r.what !== 'session');
    return statements.length ? Math.min(...statements.map((r) => r.started)) : undefined;
  }

  private async time<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const entry = { what, started: performance.now() };
    this.running.add(entry);
    try {
      return await fn();
    } finally {
      this.running.delete(entry);
      this.statements.push({ what, ms: performance.now() - entry.started });
    }
  }

  get database(): Database {
    const db = this.inner;
    return {
      engine: db.engine,
      query: <R extends Row>(text: string, params?: readonly unknown[]) =>
        this.time(describe(text), () => db.query<R>(text, params)),
      exec: (sql) => this.time(describe(sql), () => db.exec(sql)),
      session: (fn) => this.time('session', () => db.session(fn)),
      transaction: (fn) => this.time('transaction', () => db.transaction(fn)),
      copyFrom: (table: string, columns: readonly string[], rows: AsyncIterable<readonly CopyValue[]>) =>
        this.time(`COPY ${describe(table)} (read + parse + load)`, () => db.copyFrom(table, columns, rows)),
      close: () => db.close(),
    };
  }
}

interface Phase {
  readonly name: string;
  readonly ms: number;
}

interface Run {
  readonly label: string;
  readonly totalMs: number;
  readonly phases: Phase[];
  readonly statements: Statement[];
  readonly peakRss: number;
  readonly maxRss: number;
  readonly report: KaggleIngestReport;
  readonly songsRows: number;
  readonly databaseBytes: number;
  readonly songsBytes: number;
}

async function ingestOnce(label: string, db: Database, files: SyntheticKaggleFiles): Promise<Run> {
  const timedDb = new TimedDatabase(db);
  const starts: { name: string; at: number }[] = [];
  const sampler = new RssSampler();
  sampler.start();
  const t0 = performance.now();
  const onProgress = (p: IngestProgress) => {
    const current = starts.at(-1);
    if (current?.name === p.phase) return;
    const heard = performance.now();
    // The reader reports every 10,000 records, so a phase is heard of late: it began with the ingest (first
    // phase) or with the statement now running (its COPY), if that began after the previous phase did.
    const running = timedDb.runningSince();
    const at = !current ? t0 : running !== undefined && running > current.at ? running : heard;
    starts.push({ name: p.phase, at });
    const previous = current ? ` (${current.name}: ${fmtSec(at - current.at)} s)` : '';
    console.log(`  [${pad(fmtSec(at - t0), 7)} s] ${label}: phase ${p.phase}${previous}`);
  };
  let report: KaggleIngestReport;
  try {
    report = await ingestKaggle(
      timedDb.database,
      { trackMeta: files.trackMeta, interactions: files.interactions },
      onProgress,
    );
  } finally {
    sampler.stop();
  }
  const end = performance.now();
  const last = starts.at(-1);
  console.log(
    `  [${pad(fmtSec(end - t0), 7)} s] ${label}: done${last ? ` (${last.name}: ${fmtSec(end - last.at)} s)` : ''}`,
  );
  const phases = starts.map((s, i) => ({ name: s.name, ms: (starts[i + 1]?.at ?? end) - s.at }));

  const [stats] = (
    await db.query<{ songs: string; db: string; table: string }>(
      `SELECT (SELECT count(*) FROM songs) AS songs, pg_database_size(current_database()) AS db,
              pg_total_relation_size('songs') AS table`,
    )
  ).rows;
  return {
    label,
    totalMs: end - t0,
    phases,
    statements: timedDb.statements,
    peakRss: sampler.peak,
    maxRss: process.resourceUsage().maxRSS * 1024,
    report,
    songsRows: Number(stats?.songs ?? 0),
    databaseBytes: Number(stats?.db ?? 0),
    songsBytes: Number(stats?.table ?? 0),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Environment

function nproc(): string {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(availableParallelism());
  }
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const SETTINGS = [
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'max_wal_size',
  'synchronous_commit',
  'wal_level',
  'max_parallel_workers_per_gather',
  'autovacuum',
];

// ---------------------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const users = opts.users ?? Math.max(1, Math.round(opts.interactions / 50));
  const data: SyntheticKaggleOptions = {
    songs: opts.songs,
    interactions: opts.interactions,
    users,
    seed: opts.seed,
  };
  const command = commandLine();
  const date = new Date().toISOString();
  const { files, generatedMs } = await dataset(data);

  const { version, settings } = await admin(async (client) => {
    const v = (await client.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? '?';
    const s = await client.query<{ name: string; setting: string }>(
      'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name',
      [SETTINGS],
    );
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
    return { version: v, settings: s.rows };
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE_NAME}`;
  console.log(`database: ${redact(url.toString())} (fresh)`);

  const db = openPostgres(url.toString());
  const runs: Run[] = [];
  let vector = '?';
  try {
    const migrateStarted = performance.now();
    await migrate(db);
    console.log(`migrate: ${fmtSec(performance.now() - migrateStarted)} s`);
    vector =
      (await db.query<{ v: string }>("SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'"))
        .rows[0]?.v ?? '?';

    for (const label of ['first ingest', 're-ingest']) {
      // Flush the previous run's dirty pages so each run pays for its own writes only.
      await admin((client) => client.query('CHECKPOINT')).catch(() => {});
      runs.push(await ingestOnce(label, db, files));
    }
  } finally {
    await db.close();
    if (!opts.keep) {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME} WITH (FORCE)`));
      console.log(`database: ${DATABASE_NAME} dropped`);
    } else {
      console.log(`database: ${DATABASE_NAME} kept`);
    }
  }

  const markdown = render({ command, date, version, vector, settings, files, generatedMs, runs, data });
  console.log(`\n${markdown}`);
  const resultsDir = join(BENCH_DIR, 'results');
  await mkdir(resultsDir, { recursive: true });
  const out = join(resultsDir, `ingest-${opts.songs}.md`);
  await writeFile(out, markdown);
  console.log(`written to ${out}`);
}

function render(r: {
  command: string;
  date: string;
  version: string;
  vector: string;
  settings: { name: string; setting: string }[];
  files: SyntheticKaggleFiles;
  generatedMs: number | undefined;
  runs: Run[];
  data: SyntheticKaggleOptions;
}): string {
  const phaseNames = [...new Set(r.runs.flatMap((run) => run.phases.map((p) => p.name)))];
  const perRun = (fn: (run: Run) => string) => r.runs.map(fn);
  const phaseMs = (run: Run, name: string) => run.phases.find((p) => p.name === name)?.ms;
  const rate = (rows: number, ms: number | undefined) => (ms ? fmtInt(rows / (ms / 1000)) : '–');

  const figures = table(
    ['figure', ...r.runs.map((run) => run.label)],
    [
      ...phaseNames.map((name) => [
        `phase \`${name}\` (s)`,
        ...perRun((run) => {
          const ms = phaseMs(run, name);
          return ms === undefined ? '–' : fmtSec(ms);
        }),
      ]),
      ['**total wall time (s)**', ...perRun((run) => `**${fmtSec(run.totalMs)}**`)],
      [
        'track rows/s (tracks phase)',
        ...perRun((run) => rate(run.report.tracks.read, phaseMs(run, 'tracks'))),
      ],
      [
        'interaction rows/s (interactions phase)',
        ...perRun((run) => rate(run.report.interactions.read, phaseMs(run, 'interactions'))),
      ],
      [
        'all rows/s (total)',
        ...perRun((run) => rate(run.report.tracks.read + run.report.interactions.read, run.totalMs)),
      ],
      ['peak RSS, sampled every 100 ms (MiB)', ...perRun((run) => fmtMiB(run.peakRss))],
      ['process maxRSS so far (MiB)', ...perRun((run) => fmtMiB(run.maxRss))],
      ['track rows read', ...perRun((run) => fmtInt(run.report.tracks.read))],
      ['dropped without name', ...perRun((run) => fmtInt(run.report.tracks.droppedWithoutName))],
      ['duplicate ids', ...perRun((run) => fmtInt(run.report.tracks.duplicateIds))],
      [
        'malformed lines (tracks / interactions)',
        ...perRun(
          (run) =>
            `${fmtInt(run.report.tracks.malformed.count)} / ${fmtInt(run.report.interactions.malformed.count)}`,
        ),
      ],
      ['interaction rows read', ...perRun((run) => fmtInt(run.report.interactions.read))],
      ['interactions of unknown songs', ...perRun((run) => fmtInt(run.report.interactions.unknownSong))],
      ['songs upserted', ...perRun((run) => fmtInt(run.report.songsUpserted))],
      ['rows in songs afterwards', ...perRun((run) => fmtInt(run.songsRows))],
      ['songs table + indexes afterwards (MiB)', ...perRun((run) => fmtMiB(run.songsBytes))],
      ['database size afterwards (MiB)', ...perRun((run) => fmtMiB(run.databaseBytes))],
    ],
  );

  const statementNames = [...new Set(r.runs.flatMap((run) => run.statements.map((s) => s.what)))];
  const statements = table(
    ['statement (wall time, s)', ...r.runs.map((run) => run.label)],
    statementNames.map((what) => [
      `\`${what}\``,
      ...perRun((run) => {
        const matching = run.statements.filter((s) => s.what === what);
        return matching.length ? fmtSec(matching.reduce((sum, s) => sum + s.ms, 0)) : '–';
      }),
    ]),
  );

  const f = r.files;
  const settings = r.settings.map((s) => `${s.name}=${s.setting}`).join(', ');
  return `# Ingest benchmark: ${fmtInt(r.data.songs)} songs, ${fmtInt(r.data.interactions)} interactions

- Command: \`${r.command}\`
- Date: ${r.date}
- Machine: nproc ${nproc()}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB total memory, ${platform()} ${release()} ${arch()}, Node ${process.version}
- PostgreSQL: ${r.version}; pgvector ${r.vector}
- Server settings: ${settings}
- Dataset (seed ${r.data.seed}, ${fmtInt(r.data.users)} users): ${fmtInt(f.trackRows)} track rows (${fmtInt(f.emptyNames)} without a name, ${fmtInt(f.duplicateIds)} repeated ids), ${fmtInt(f.interactionRows)} interaction rows (${fmtInt(f.unknownItems)} of ids not in track_meta), ${fmtMiB(f.bytes)} MiB; ${r.generatedMs === undefined ? 'reused from bench/data/' : `generated in ${fmtSec(r.generatedMs)} s (not part of the figures)`}
- Both runs go through \`ingestKaggle\` on the same database, one after the other; a CHECKPOINT precedes each.
  The re-ingest finds every song already there, so it takes the \`ON CONFLICT … DO UPDATE\` path.
- Phases are the ingest's progress phases, each ending when the next starts. The reader reports every 10,000
  records, so a phase is heard of late; its start is taken back to the start of the statement (COPY) then running.

${figures}

Wall time of each statement the ingest ran (COPY includes reading and parsing the file that feeds it):

${statements}
`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
