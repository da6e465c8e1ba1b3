/**
 * The whole catalog on one machine (not a test): the product's own code end to end at a chosen size —
 * generate the Kaggle layout with real-world mess, `sonic-mood ingest kaggle`, the re-index path with a
 * deterministic synthetic embedder, the index it chooses, the production query at 1 and 8 clients with
 * recall@10 against exact ground truth — and the original's design on the same data, server and budget.
 * PostgreSQL runs as a private cluster inside a cgroup memory budget.
 *
 *   npm run bench:catalog -- [--songs 12431090] [--dims 256] [--budget 8GiB] [--reuse] [--keep] …
 *
 * Phases are recorded in <dir>/state.json as they finish; `--reuse` skips finished ones (the files, the
 * loaded database and the ground truth stay), and an interrupted embedding resumes where it stopped.
 * `--redo queries,swap` re-runs timed phases, e.g. on a quiet machine.
 */

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import pg from 'pg';
import { migrate } from '../db/migrate.ts';
import { openPostgres } from '../db/postgres.ts';
import { type ReindexOutcome, reindex } from '../db/reindex.ts';
import { buildMemory } from '../db/vector-index.ts';
import { startPrivateCluster } from './catalog/cluster.ts';
import { buildOriginal } from './catalog/designs.ts';
import { measureLexical } from './catalog/lexical.ts';
import { measureBinaryQuantized, measureQueries, measureSwap } from './catalog/measure.ts';
import { log, phaseProgress } from './catalog/progress.ts';
import { type CatalogResults, renderCatalog } from './catalog/report.ts';
import { SyntheticEmbedder } from './catalog/synthetic-embedder.ts';
import { groundTruth, makeQueries, type Truth, withKth } from './catalog/truth.ts';
import { INTERACTIONS, TRACK_META, writeSyntheticKaggle } from './synthetic-kaggle.ts';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(BENCH_DIR, '..');
const DATABASE = 'sonic_mood';
/** Bump when a phase's output changes meaning, so `--reuse` refuses an old state. */
const STATE_VERSION = 1;
const PHASES = [
  'generate',
  'ingest',
  'embed',
  'original',
  'truth',
  'queries',
  'swap',
  'lexical',
  'bq',
] as const;
type Phase = (typeof PHASES)[number];

function count(value: string): number {
  const n = Number(value.replaceAll(/[_,]/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function bytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a size such as 8GiB or 512MB');
  const unit = (m[2] ?? 'B').toLowerCase();
  const scale = { b: 1, kib: 1024, kb: 1024, mib: 1024 ** 2, mb: 1024 ** 2, gib: 1024 ** 3, gb: 1024 ** 3 }[
    unit
  ] as number;
  return Math.round(Number(m[1]) * scale);
}

function phases(value: string): Phase[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of list) {
    if (!(PHASES as readonly string[]).includes(p)) throw new InvalidArgumentError(`unknown phase ${p}`);
  }
  return list as Phase[];
}

const program = new Command('bench:catalog')
  .description(
    'The full catalog end to end on a private PostgreSQL inside a memory budget, ours vs the original',
  )
  .option('--songs <n>', 'rows of track_meta.tsv', count, 12_431_090)
  .option('--interactions <n>', 'rows of user_item_interaction.csv (default 2 × songs)', count)
  .option('--dims <n>', 'embedding dimensions', count, 256)
  .option('--seed <n>', 'generator seed', count, 42)
  .option('--budget <size>', 'memory budget of the PostgreSQL cgroup', bytes, 8 * 1024 ** 3)
  .option('--shared-buffers <size>', 'shared_buffers of the private cluster', '2GB')
  .option(
    '--build-memory <size>',
    "an index build's maintenance_work_mem at most (default: budget − shared_buffers − 1 GiB)",
    bytes,
  )
  .option('--queries <n>', 'queries with exact ground truth', count, 100)
  .option('--timed <n>', 'requests timed per design and client count', count, 1000)
  .option('--port <n>', 'port of the private cluster', count, 5499)
  .option(
    '--dir <path>',
    'where files, the database and the ground truth live (default bench/data/catalog-N-D)',
  )
  .option('--reuse', 'keep what earlier runs finished and go on from there', false)
  .option('--redo <phases>', 'phases to run again even with --reuse (e.g. queries,swap)', phases, [])
  .option('--skip <phases>', 'phases to leave out (e.g. swap)', phases, [])
  .option('--keep', 'keep the files and the database after a complete run', false)
  .parse();

interface Options {
  songs: number;
  interactions: number | undefined;
  dims: number;
  seed: number;
  budget: number;
  sharedBuffers: string;
  buildMemory: number | undefined;
  queries: number;
  timed: number;
  port: number;
  dir: string | undefined;
  reuse: boolean;
  redo: Phase[];
  skip: Phase[];
  keep: boolean;
}
const opts = program.opts<Options>();
const interactions = opts.interactions ?? opts.songs * 2;
const users = Math.max(1000, Math.round(opts.songs / 12));
const dir = opts.dir ?? join(BENCH_DIR, 'data', `catalog-${opts.songs}-${opts.dims}`);
const key = {
  version: STATE_VERSION,
  songs: opts.songs,
  interactions,
  users,
  dims: opts.dims,
  seed: opts.seed,
};

interface State {
  key: typeof key;
  phases: Partial<CatalogResults['phases']>;
}

async function loadState(): Promise<State> {
  const path = join(dir, 'state.json');
  if (opts.reuse && existsSync(path)) {
    const state = JSON.parse(await readFile(path, 'utf8')) as State;
    if (JSON.stringify(state.key) !== JSON.stringify(key)) {
      throw new Error(
        `${path} is for ${JSON.stringify(state.key)}, not ${JSON.stringify(key)}: drop --reuse`,
      );
    }
    return state;
  }
  return { key, phases: {} };
}

async function saveState(state: State): Promise<void> {
  await writeFile(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
}

/** Runs the CLI as a container would, under GNU time for its peak RSS; forwards its output. */
function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; peakRss: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'peak-rss-kb %M', process.execPath, join(ROOT, 'bin/sonic-mood.js'), ...args],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let peakRss = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      process.stdout.write(chunk);
    });
    let stderrTail = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-4096);
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const m = /peak-rss-kb (\d+)/.exec(stderrTail);
      if (m) peakRss = Number(m[1]) * 1024;
      return code === 0
        ? resolve({ stdout, peakRss })
        : reject(new Error(`sonic-mood ${args.join(' ')} exited ${code}`));
    });
  });
}

async function duBytes(path: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('du', ['-sb', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', () => resolve(Number(out.split('\t')[0] ?? 0)));
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  if (!opts.reuse && existsSync(dir)) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const state = await loadState();
  const due = (phase: Phase) =>
    !opts.skip.includes(phase) && (state.phases[phase] === undefined || opts.redo.includes(phase));
  const files = join(dir, 'files');
  const embedder = new SyntheticEmbedder({ dimensions: opts.dims, seed: opts.seed, rows: opts.songs });

  // 1. The Kaggle layout, with mess.
  if (due('generate')) {
    log(
      `generate: ${opts.songs.toLocaleString('en-US')} tracks, ${interactions.toLocaleString('en-US')} interactions`,
    );
    const t = performance.now();
    const progress = phaseProgress('generate', 'lines');
    const generated = await writeSyntheticKaggle(files, {
      songs: opts.songs,
      interactions,
      users,
      seed: opts.seed,
      mess: true,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.stop();
    const seconds = (performance.now() - t) / 1000;
    state.phases.generate = { seconds, ...generated };
    await saveState(state);
  }

  const sharedBuffers = bytes(opts.sharedBuffers);
  // INDEX_BUILD_MEMORY of this deployment: what the budget leaves beside shared_buffers and the backends.
  const buildMemoryBytes =
    opts.buildMemory ?? Math.max(256 * 1024 ** 2, opts.budget - sharedBuffers - 1024 ** 3);
  const settings = {
    shared_buffers: opts.sharedBuffers,
    effective_cache_size: `${Math.max(128, Math.round((opts.budget - sharedBuffers) / 1024 ** 2))}MB`,
    work_mem: '64MB',
    max_parallel_maintenance_workers: '1',
    max_parallel_workers_per_gather: '1',
    max_wal_size: '4GB',
    checkpoint_timeout: '30min',
    wal_compression: 'on',
    jit: 'off',
  };
  const cluster = await startPrivateCluster({
    dir: join(dir, 'pg'),
    port: opts.port,
    budgetBytes: opts.budget,
    settings,
  });
  const stopCluster = async () => {
    await cluster.stop();
  };
  process.once('SIGINT', () => {
    void stopCluster().finally(() => process.exit(130));
  });
  try {
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rows.length === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
    const version = (await admin.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v ?? '?';
    await admin.end();
    const url = cluster.urlOf(DATABASE);
    const env = { DATABASE_URL: url, LOG_LEVEL: 'warn' };
    // Written after every timed phase, so a run stopped later still leaves its table.
    const writeResults = async (print = false) => {
      const results: CatalogResults = {
        command: commandLine(),
        date: new Date().toISOString(),
        key,
        budget: opts.budget,
        settings,
        postgres: version,
        phases: state.phases as CatalogResults['phases'],
        disk: await duBytes(dir),
        memoryAtEnd: await cluster.memory(),
        totalSeconds: (performance.now() - started) / 1000,
      };
      const markdown = renderCatalog(results);
      if (print) console.log(`\n${markdown}`);
      const out = join(BENCH_DIR, 'results', `catalog-${opts.songs}-${opts.dims}.md`);
      await mkdir(join(BENCH_DIR, 'results'), { recursive: true });
      await writeFile(out, markdown);
      log(`written to ${out}`);
    };

    // 2. The product's ingest, as an operator runs it.
    if (due('ingest')) {
      await runCli(['migrate'], env);
      await cluster.resetPeak();
      const t = performance.now();
      const { stdout, peakRss } = await runCli(
        [
          'ingest',
          'kaggle',
          '--tracks',
          join(files, TRACK_META),
          '--interactions',
          join(files, INTERACTIONS),
        ],
        env,
      );
      const seconds = (performance.now() - t) / 1000;
      const lines = (state.phases.generate?.trackRows ?? opts.songs) + interactions;
      state.phases.ingest = {
        seconds,
        rowsPerSecond: lines / seconds,
        peakRss,
        postgresPeak: (await cluster.memory()).peak,
        summary: stdout.trim(),
      };
      await saveState(state);
    }

    const db = openPostgres(url, { max: 8 });
    try {
      await migrate(db);
      // 3. Our re-index path: embed every song, build the index it chooses, switch /mood to it.
      if (due('embed')) {
        await cluster.resetPeak();
        const progress = phaseProgress('embed', 'songs');
        const started = performance.now();
        const outcome: ReindexOutcome = await reindex(db, embedder, {
          batchSize: 1024,
          concurrency: 4,
          buildMemoryBytes: buildMemoryBytes,
          onProgress: async (p) => {
            if (p.phase === 'embedding') progress.update(p.done, p.total);
            else log(`re-index: ${p.phase}`);
            // The embedding is recorded before the build starts: a build that fails must not lose it.
            if (p.phase === 'indexing' && p.done > 0) {
              const seconds = (performance.now() - started) / 1000;
              state.phases.embedding = {
                embedded: p.done,
                seconds,
                songsPerSecond: p.done / seconds,
                peakRss: process.resourceUsage().maxRSS * 1024,
                postgresPeak: (await cluster.memory()).peak,
              };
              await saveState(state);
            }
          },
        });
        progress.stop();
        if (outcome.status !== 'switched') throw new Error('the re-index did not switch');
        state.phases.embed = {
          ...outcome,
          buildMemory: outcome.plan.kind === 'exact' ? '–' : buildMemory(outcome.plan, opts.dims),
          postgresPeak: (await cluster.memory()).peak,
        };
        await saveState(state);
      }
      const [model] = (
        await db.query<{ id: number; n: number; max: string }>(
          `SELECT m.id::int AS id, (SELECT count(*)::int FROM song_embeddings e WHERE e.model_id = m.id) AS n,
                  (SELECT max(id)::text FROM songs) AS max
           FROM embedding_models m WHERE m.is_active`,
        )
      ).rows;
      if (!model) throw new Error('no live model: run the embed phase');

      // 4. The original's design, from the same vectors.
      if (due('original')) {
        await cluster.resetPeak();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        log(`original: load vector(${opts.dims}) and build IVFFlat lists=√N`);
        try {
          state.phases.original = {
            ...(await buildOriginal(client, { modelId: model.id, dims: opts.dims, rows: model.n })),
            postgresPeak: (await cluster.memory()).peak,
          };
        } finally {
          await client.end();
        }
        await saveState(state);
      }

      // 5. Queries and exact ground truth (cached in its own file: it outlives --redo queries).
      const truthPath = join(dir, 'truth.json');
      let truth: Truth;
      if (due('truth') || !existsSync(truthPath)) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const queries = await makeQueries(client, embedder.space, {
            count: opts.queries,
            seed: opts.seed,
            modelId: model.id,
            maxSongId: Number(model.max),
          });
          const progress = phaseProgress('ground truth', 'rows');
          truth = await groundTruth(client, queries, {
            modelId: model.id,
            dims: opts.dims,
            rows: model.n,
            onProgress: (done) => progress.update(done, model.n),
          });
          progress.stop();
        } finally {
          await client.end();
        }
        await writeFile(truthPath, JSON.stringify(truth));
        state.phases.truth = { seconds: truth.seconds, queries: truth.queries.length };
        await saveState(state);
      } else {
        truth = JSON.parse(await readFile(truthPath, 'utf8')) as Truth;
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          truth = await withKth(client, truth, model.id);
        } finally {
          await client.end();
        }
      }

      // 6. Both designs at 1 and 8 clients, recall swept over probes.
      if (due('queries')) {
        await cluster.resetPeak();
        state.phases.queries = await measureQueries({
          db,
          url,
          truth,
          modelId: model.id,
          timed: opts.timed,
          withOriginal: state.phases.original !== undefined && !opts.skip.includes('original'),
          memory: () => cluster.memory(),
        });
        await saveState(state);
        await writeResults();
      }

      // 7. Re-index the live model while searches run: every search must use an ANN index.
      if (due('swap')) {
        state.phases.swap = await measureSwap({ db, embedder, modelId: model.id, truth, buildMemoryBytes });
        await saveState(state);
        await writeResults();
      }

      // 8. Hybrid retrieval's lexical half, beside the vector search, on the same catalog.
      if (due('lexical')) {
        state.phases.lexical = await measureLexical({ db, truth, timed: opts.timed });
        await saveState(state);
        await writeResults();
      }

      // 9. The binary-quantized alternative, built beside the serving index on the same data.
      if (due('bq')) {
        await cluster.resetPeak();
        state.phases.bq = {
          ...(await measureBinaryQuantized({
            db,
            truth,
            modelId: model.id,
            dims: opts.dims,
            rows: model.n,
            timed: opts.timed,
          })),
          postgresPeak: (await cluster.memory()).peak,
        };
        await saveState(state);
        await writeResults();
      }

      await writeResults(true);
    } finally {
      await db.close();
    }
  } finally {
    await stopCluster();
  }
  const complete = PHASES.every((p) => opts.skip.includes(p) || state.phases[p] !== undefined);
  if (complete && !opts.keep) {
    await rm(dir, { recursive: true, force: true });
    log(`removed ${dir} (pass --keep to keep it)`);
  }
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  return `npm run bench:catalog${args ? ` -- ${args}` : ''}`;
}

main().catch((error: unknown) => {
  console.error(`bench:catalog: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
