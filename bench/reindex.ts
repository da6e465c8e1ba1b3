/**
 * `npm run bench:reindex -- [--songs 100000]`: re-indexing a synthetic catalog on native PostgreSQL.
 * 1. Re-index with the local embedder (model A): embedding rate, index choice, build time and size.
 * 2. Re-index to a second model (B: an OpenAI-compatible fake serving 256-d vectors, no added latency)
 *    while /mood runs in a loop: /mood latency before, during and after the switch.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import pg from 'pg';
import pino from 'pino';
import { openApp } from '../cli/app.ts';
import { loadConfig } from '../core/config.ts';
import { ingestKaggle } from '../db/ingest/kaggle.ts';
import { reindex } from '../db/reindex.ts';
import { startFakeOpenAI } from '../test/fakes/openai-server.ts';
import { writeSyntheticKaggle } from './synthetic-kaggle.ts';

const opts = new Command()
  .option('--songs <n>', 'catalog size', (v) => Number(v), 100_000)
  .parse()
  .opts<{ songs: number }>();

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'sonic_mood_bench_reindex';
const MOODS = [
  'heartbroken and crying',
  'pump-up workout',
  'rainy sunday, nostalgic but hopeful',
  'late night drive',
];

const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${DB}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${DB}`;

const fake = await startFakeOpenAI();
const config = loadConfig({
  DATABASE_URL: url.toString(),
  SONIC_MOOD_DATA_DIR: '.sonic-mood',
  OPENAI_BASE_URL: fake.url,
  OPENAI_API_KEY: 'sk-bench',
});
const app = await openApp(config, pino({ level: 'silent' }));

const dir = path.join('bench', 'data', `reindex-${opts.songs}`);
await mkdir(dir, { recursive: true });
const files = await writeSyntheticKaggle(dir, {
  songs: opts.songs,
  interactions: opts.songs * 3,
  users: opts.songs / 10,
  seed: 7,
});
await ingestKaggle(app.db, { trackMeta: files.trackMeta, interactions: files.interactions });

const percentile = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};
async function moodLatencies(count: number): Promise<{ ms: number[]; models: Set<string> }> {
  const ms: number[] = [];
  const models = new Set<string>();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const playlist = await app.recommender.recommend({ text: MOODS[i % MOODS.length] ?? 'sad', size: 10 });
    ms.push(performance.now() - t);
    models.add(playlist.providers.embedder);
  }
  return { ms, models };
}

const a = await reindex(app.db, app.providers.embedder, { batchSize: 512 });
if (a.status !== 'switched') throw new Error('model A did not switch');
const before = await moodLatencies(40);

const modelB = app.providers.embedderFor('openai:fake-embed@256', 256);
if (!modelB) throw new Error('model B unavailable');
const during: number[] = [];
const duringModels = new Set<string>();
let running = true;
const loop = (async () => {
  while (running) {
    const r = await moodLatencies(1);
    during.push(...r.ms);
    for (const m of r.models) duringModels.add(m);
  }
})();
const b = await reindex(app.db, modelB, { batchSize: 512, concurrency: 2 });
running = false;
await loop;
const after = await moodLatencies(40);
if (b.status !== 'switched') throw new Error('model B did not switch');

const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 1 });
const lines = [
  `# Re-index benchmark: ${fmt(opts.songs)} synthetic songs, native PostgreSQL`,
  '',
  `- Command: \`npm run bench:reindex -- --songs ${opts.songs}\``,
  `- Date: ${new Date().toISOString()}; machine: ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB`,
  '- Catalog: synthetic Kaggle layout (bench/synthetic-kaggle.ts), name + artist only.',
  '',
  '| model | songs embedded | embed time (s) | songs/s | index | build time (s) | index size (MB) |',
  '| --- | ---: | ---: | ---: | --- | ---: | ---: |',
  ...[a, b].map((r) =>
    r.status === 'switched'
      ? `| ${r.model} (${r.model === a.model ? 'local' : 'fake API, no latency'}) | ${fmt(r.embedded)} | ${fmt(r.embedSeconds)} | ${fmt(r.embedded / r.embedSeconds)} | ${r.plan.kind} ${JSON.stringify(r.plan).replace(/"/g, '')} | ${fmt(r.indexSeconds)} | ${fmt(r.indexBytes / 1e6)} |`
      : '',
  ),
  '',
  '/mood latency (full pipeline: embed ∥ HyDE, search, re-rank, links, title; ms):',
  '',
  '| when | queries | p50 | p95 | models answering |',
  '| --- | ---: | ---: | ---: | --- |',
  `| before (model A live) | ${before.ms.length} | ${fmt(percentile(before.ms, 50))} | ${fmt(percentile(before.ms, 95))} | ${[...before.models].join(', ')} |`,
  `| during re-index to B | ${during.length} | ${fmt(percentile(during, 50))} | ${fmt(percentile(during, 95))} | ${[...duringModels].join(', ')} |`,
  `| after the switch | ${after.ms.length} | ${fmt(percentile(after.ms, 50))} | ${fmt(percentile(after.ms, 95))} | ${[...after.models].join(', ')} |`,
];
const table = lines.join('\n');
console.log(`\n${table}\n`);
await mkdir(path.join('bench', 'results'), { recursive: true });
await writeFile(path.join('bench', 'results', `reindex-${opts.songs}.md`), `${table}\n`);

await app.close();
await fake.close();
await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
await admin.end();
