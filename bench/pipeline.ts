/**
 * Pipeline benchmark (not a test): the /mood job end to end through BullMQ — real Redis, a worker running
 * `createMoodWorker`, native PostgreSQL with the demo catalog — with model and Spotify latencies from local
 * fakes, for two recommenders side by side:
 *
 * - ours: the shipped composition (`openApp`: OpenAI-compatible embedder + writer for HyDE and the title, the
 *   Spotify resolver with its shared link cache, `createRecommender` with the default configuration);
 * - the original's order (bench/README.md, "The original app"), every step awaited one after another:
 *   HyDE → embed the query → embed the HyDE song → search the query vector (limit 5) and the HyDE vector
 *   (limit 3), each list sorted by popularity alone, concatenated, de-duplicated → Spotify links one at a
 *   time with 100 ms pauses and an in-process cache → title. Implemented here as a `Recommender`, on the same
 *   catalog, database, queue and worker, so only the order of the work differs.
 *
 *   npm run bench:pipeline -- [--embed-ms 150] [--chat-ms 800] [--spotify-ms 100] [--concurrency 4]
 *
 * A closed loop of N clients each enqueues a job, waits for its delivery and enqueues the next; a job's
 * latency runs from the enqueue to the responder's delivery (the edit of the deferred Discord reply).
 * Model latencies come from two fake OpenAI servers (one per latency) behind a path-routing proxy, since
 * one client talks to one base URL. Each scenario starts with empty link caches and its own queue prefix.
 *
 * Needs BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres, may create databases) and
 * REDIS_URL (default redis://127.0.0.1:6379).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'bullmq';
import { Command, InvalidArgumentError } from 'commander';
import { parse } from 'csv-parse/sync';
import { Redis } from 'ioredis';
import type OpenAI from 'openai';
import pg from 'pg';
import pino from 'pino';
import { type App, openApp } from '../cli/app.ts';
import { DEMO_CATALOG } from '../cli/catalog-setup.ts';
import { type Config, loadConfig } from '../core/config.ts';
import { createOpenAIClient } from '../core/openai/client.ts';
import type { SongIndex, Vector } from '../core/ports.ts';
import type { Recommender } from '../core/recommend.ts';
import type { Candidate, MoodRequest, Playlist, StageTimings } from '../core/types.ts';
import { activate, setIndexState } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createSongIndex } from '../db/song-index.ts';
import { type ChatRequest, type FakeOpenAI, startFakeOpenAI } from '../test/fakes/openai-server.ts';
import { type FakeSpotify, startFakeSpotify } from '../test/fakes/spotify-server.ts';
import { MoodJobData, moodJobId, type ReplyTarget } from '../workers/jobs.ts';
import { createMoodQueue } from '../workers/mood-queue.ts';
import { createMoodWorker } from '../workers/mood-worker.ts';
import type { PlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import type { Responder } from '../workers/responder.ts';

const DATABASE_NAME = 'sonic_mood_bench_pipeline';
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const SPOTIFY_ID = 'bench-client-id';
const SPOTIFY_SECRET = 'bench-client-secret';
const PLAYLIST_SIZE = 10;
/** The original's searches: the query vector's (limit 5) and the HyDE vector's (limit 3). */
const ORIGINAL_QUERY_LIMIT = 5;
const ORIGINAL_HYDE_LIMIT = 3;
const ORIGINAL_SPOTIFY_PAUSE_MS = 100;
const MOODS = [
  'rainy sunday, nostalgic but hopeful',
  'pump-up workout',
  'heartbroken and crying',
  'late night drive through the city',
  'cozy coffee shop morning',
  'sunset on the beach with friends',
  'focus music for deep work',
  'angry and want to scream',
  'first dance at a summer wedding',
  'lazy hungover saturday',
];

interface Options {
  embedMs: number;
  chatMs: number;
  spotifyMs: number;
  concurrency: number;
  clients: number[];
  workers: number[];
  rounds: number;
  minJobs: number;
  dimensions: number;
}

function whole(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

function list(value: string): number[] {
  const items = value.split(',').map((s) => whole(s.trim()));
  if (items.some((n) => n < 1)) throw new InvalidArgumentError('expected positive whole numbers');
  return items;
}

const program = new Command('bench:pipeline')
  .description('The /mood job end to end through BullMQ: our concurrent pipeline vs the original order')
  .option('--embed-ms <ms>', 'latency of an embeddings request', whole, 150)
  .option('--chat-ms <ms>', 'latency of a chat completion', whole, 800)
  .option('--spotify-ms <ms>', 'latency of a Spotify search', whole, 100)
  .option('--concurrency <n>', 'jobs per worker at once (WORKER_CONCURRENCY)', whole, 4)
  .option('--clients <list>', 'concurrent requests, comma-separated', list, [1, 8, 32])
  .option('--workers <list>', 'worker counts, comma-separated', list, [1, 2])
  .option('--rounds <n>', 'jobs per client in each scenario', whole, 3)
  .option('--min-jobs <n>', 'at least this many jobs per scenario', whole, 12)
  .option('--dimensions <n>', 'embedding dimensions (EMBEDDING_DIMENSIONS)', whole, 1024)
  .parse();
const opts = program.opts<Options>();

const fmtSec = (ms: number) => (ms / 1000).toFixed(2);
const fmtRatio = (r: number) => `${r.toFixed(2)}×`;

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  return process.env.npm_lifecycle_event === 'bench:pipeline'
    ? `npm run bench:pipeline${args ? ` -- ${args}` : ''}`
    : `npx tsx bench/pipeline.ts${args ? ` ${args}` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// Fakes: two OpenAI-compatible servers (embedding latency, chat latency) behind one base URL.

/** A hypothetical song for HyDE prompts, a title for naming prompts; both vary with the prompt. */
function chatReply(request: ChatRequest): string {
  const prompt = request.messages.map((m) => m.content).join('\n');
  const words = prompt
    .replace(/[^\p{L}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 3);
  const pick = (i: number) => words[(prompt.length * 7 + i * 13) % Math.max(1, words.length)] ?? 'night';
  if (/name a playlist|playlist name|name for the playlist/i.test(prompt)) {
    return `${pick(1)} ${pick(2)} Reverie`;
  }
  return [
    `${pick(3)} in the ${pick(4)}`,
    ...Array.from({ length: 8 }, (_, i) => `${pick(i)} ${pick(i + 5)} ${pick(i + 9)}`),
  ].join('\n');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function startModelFakes(embedMs: number, chatMs: number) {
  const [embeddings, chat] = await Promise.all([
    startFakeOpenAI({ latencyMs: embedMs, chatReply }),
    startFakeOpenAI({ latencyMs: chatMs, chatReply }),
  ]);
  const server = createServer((req, res) => {
    (async () => {
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/^\/v1/, '');
      const upstream = path.startsWith('/chat/') ? chat : embeddings;
      const response = await fetch(`${upstream.url}${path}`, {
        method: req.method,
        headers: {
          'content-type': req.headers['content-type'] ?? 'application/json',
          authorization: req.headers.authorization ?? '',
        },
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      const payload = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, {
        'content-type': response.headers.get('content-type') ?? 'application/json',
      });
      res.end(payload);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    fakes: [embeddings, chat] as FakeOpenAI[],
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([embeddings.close(), chat.close()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The original's query path, as a Recommender.

interface OriginalDeps {
  readonly client: OpenAI;
  readonly embeddingModel: string;
  readonly chatModel: string;
  readonly dimensions: number;
  readonly index: SongIndex;
  readonly spotify: Config['spotify'];
}

/**
 * The original's five steps (bench/README.md, "The original app"), each awaited before the next. Prompts and
 * sampling are the original's; vectors are asked for in the catalog's dimension (the original used 2,000) and
 * searched through the same index.
 */
function createOriginalRecommender(deps: OriginalDeps): Recommender {
  // An unbounded in-process dict, misses cached too, per process (here: per worker).
  const linkCache = new Map<string, string | null>();
  let token: { value: string; expiresAt: number } | undefined;

  const chat = async (system: string, user: string, temperature: number): Promise<string> => {
    const completion = await deps.client.chat.completions.create({
      model: deps.chatModel,
      max_tokens: 512,
      temperature,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
    });
    // "text after a closing </think> is kept"
    return (completion.choices[0]?.message.content ?? '').split('</think>').at(-1)?.trim() ?? '';
  };

  const embed = async (text: string): Promise<Vector> => {
    const response = await deps.client.embeddings.create({
      model: deps.embeddingModel,
      input: text,
      dimensions: deps.dimensions,
    });
    const values = response.data[0]?.embedding ?? [];
    const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0)) || 1;
    return Float32Array.from(values, (v) => v / norm);
  };

  const accessToken = async (): Promise<string> => {
    if (token && token.expiresAt > Date.now()) return token.value;
    const response = await fetch(`${deps.spotify.accountsUrl}/api/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${deps.spotify.clientId}:${deps.spotify.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = (await response.json()) as { access_token: string; expires_in: number };
    token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in - 60) * 1000 };
    return token.value;
  };

  const spotifyLink = async (title: string, artist: string): Promise<string | null> => {
    try {
      const params = new URLSearchParams({ q: `track:${title} artist:${artist}`, type: 'track', limit: '1' });
      const response = await fetch(`${deps.spotify.apiUrl}/search?${params}`, {
        headers: { authorization: `Bearer ${await accessToken()}` },
      });
      const body = (await response.json()) as {
        tracks?: { items?: { external_urls?: { spotify?: string } }[] };
      };
      return body.tracks?.items?.[0]?.external_urls?.spotify ?? null;
    } catch {
      return null;
    }
  };

  const byPopularity = (songs: readonly Candidate[]) =>
    [...songs].sort((a, b) => b.popularity - a.popularity);

  return {
    async recommend(request: MoodRequest): Promise<Playlist> {
      const timings: StageTimings = {};
      const started = performance.now();
      const timed = async <T>(stage: keyof StageTimings, work: () => Promise<T>): Promise<T> => {
        const t = performance.now();
        try {
          return await work();
        } finally {
          timings[stage] = Math.round(performance.now() - t);
        }
      };
      // 1. HyDE.
      const song = await timed('hyde', () =>
        chat(
          "You are a creative musician and songwriter. When a user sends you a message, write a song for them that captures the vibe they're looking for.\nStart by writing the song title, then the song lyrics. Use only plain text, no markdown formatting. Respond only with the song, do not say anything to the user.",
          `Write a song that matches this query:\n${request.text}\n\nRespond only with the song, no other text.`,
          1.0,
        ),
      );
      // 2. Embed the query, then the HyDE song.
      const queryVector = await timed('embedMood', () => embed(request.text));
      const hydeVector = await timed('embedHyde', () => embed(song));
      // 3. Two searches, each sorted by popularity alone; concatenated and de-duplicated by (title, artist).
      const songs = await timed('search', async () => {
        const fromQuery = byPopularity(await deps.index.search(queryVector, { limit: ORIGINAL_QUERY_LIMIT }));
        const fromHyde = byPopularity(await deps.index.search(hydeVector, { limit: ORIGINAL_HYDE_LIMIT }));
        const unique = new Map<string, Candidate>();
        for (const c of [...fromQuery, ...fromHyde]) unique.set(`${c.name}\u0000${c.artist ?? ''}`, c);
        return [...unique.values()];
      });
      // 4. Spotify links, one lookup at a time with 100 ms pauses, through the in-process cache.
      const links = await timed('links', async () => {
        const out: (string | null)[] = [];
        let looked = 0;
        for (const c of songs) {
          const key = `${c.name}\u0000${c.artist ?? ''}`;
          if (linkCache.has(key)) {
            out.push(linkCache.get(key) ?? null);
            continue;
          }
          if (looked++ > 0) await sleep(ORIGINAL_SPOTIFY_PAUSE_MS);
          const link = await spotifyLink(c.name, c.artist ?? '');
          linkCache.set(key, link);
          out.push(link);
        }
        return out;
      });
      // 5. Title.
      const title = await timed('title', () =>
        chat(
          'You are a creative and witty music playlist curator. For a given list of songs, you are tasked with coming up with a three to four word playlist name that captures the mood and genres. (eg: Experimental Rock Hypnosis, Guilty Pleasure Sleepover, or Panicked Girl Dinner).',
          `I came up with this playlist of songs based on the prompt '${request.text}':\n${songs
            .map((c) => `${c.name} by ${c.artist ?? ''}`)
            .join(
              '\n- ',
            )}\n\nPlease write a name for the playlist.\nRespond only with the name of the playlist, no other text.`,
          1.1,
        ),
      );
      timings.total = Math.round(performance.now() - started);
      return {
        title,
        description: `${songs.length} songs for “${request.text}”`,
        mood: request.text,
        tracks: songs.map((c, i) => ({
          songId: c.id,
          name: c.name,
          artist: c.artist,
          year: c.year,
          similarity: c.similarity,
          popularity: c.popularity,
          score: c.popularity,
          spotifyUrl: links[i] ?? '',
          why: '',
        })),
        providers: { embedder: deps.embeddingModel, writer: deps.chatModel, links: 'spotify (original)' },
        timings,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The queue side: a responder standing in for Discord, a closed loop of clients.

interface Delivered {
  readonly at: number;
  readonly ok: boolean;
  readonly workerMs: number;
}

type DiscordTarget = Extract<ReplyTarget, { platform: 'discord' }>;
type DiscordReply = Responder<DiscordTarget>;

function recordingResponder(): {
  responder: DiscordReply;
  wait: (interactionId: string) => Promise<Delivered>;
} {
  const waiting = new Map<string, (d: Delivered) => void>();
  const settle = (target: DiscordTarget, d: Delivered) => {
    waiting.get(target.interactionId)?.(d);
    waiting.delete(target.interactionId);
  };
  return {
    responder: {
      deadline: (_target, requestedAt) => requestedAt + 15 * 60_000,
      deliver: async (target, { playlist }) =>
        settle(target, {
          at: performance.now(),
          ok: playlist.tracks.length > 0,
          workerMs: playlist.timings.total ?? 0,
        }),
      fail: async (target) => settle(target, { at: performance.now(), ok: false, workerMs: 0 }),
    },
    wait: (interactionId) => new Promise((resolve) => waiting.set(interactionId, resolve)),
  };
}

/** Playlist contexts as the worker stores them, but under the run's prefix so they go with it. */
function prefixedContexts(redis: Redis, prefix: string): PlaylistContexts {
  return {
    async save(context) {
      const id = randomBytes(9).toString('base64url');
      await redis.set(redisKeys(prefix).playlist(id), JSON.stringify(context), 'EX', 600);
      return id;
    },
    load: async () => undefined,
  };
}

async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

type Design = 'original' | 'ours';

interface Scenario {
  readonly design: Design;
  readonly workers: number;
  readonly clients: number;
  readonly jobs: number;
  readonly latencies: number[];
  readonly workerMs: number[];
  readonly failed: number;
  readonly jobsPerSecond: number;
}

let interactionCounter = 0;
function snowflake(): string {
  interactionCounter += 1;
  return `${Date.now()}${String(interactionCounter).padStart(6, '0')}`.slice(0, 19);
}

// ---------------------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const command = commandLine();
  const date = new Date().toISOString();
  const loadAtStart = loadavg();
  const runPrefix = `sm-bench-${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const version = (await admin.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? '?';
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE_NAME}`;

  const models = await startModelFakes(opts.embedMs, opts.chatMs);
  const catalogRows = parse(await readFile(DEMO_CATALOG, 'utf8'), { columns: true }) as {
    name: string;
    artist: string;
  }[];
  const spotify: FakeSpotify = await startFakeSpotify({
    clientId: SPOTIFY_ID,
    clientSecret: SPOTIFY_SECRET,
    searchDelayMs: opts.spotifyMs,
    catalog: catalogRows.map((r, i) => ({
      name: r.name,
      artist: r.artist,
      id: `bench${String(i).padStart(17, '0')}`,
    })),
  });
  const config = loadConfig({
    DATABASE_URL: url.toString(),
    SONIC_MOOD_DATA_DIR: '.sonic-mood',
    LOG_LEVEL: 'silent',
    EMBEDDING_PROVIDER: 'openai',
    WRITER_PROVIDER: 'openai',
    OPENAI_BASE_URL: models.url,
    OPENAI_API_KEY: 'sk-bench',
    EMBEDDING_MODEL: 'fake-embed',
    EMBEDDING_DIMENSIONS: String(opts.dimensions),
    CHAT_MODEL: 'fake-chat',
    SPOTIFY_CLIENT_ID: SPOTIFY_ID,
    SPOTIFY_CLIENT_SECRET: SPOTIFY_SECRET,
    SPOTIFY_API_URL: spotify.apiUrl,
    SPOTIFY_ACCOUNTS_URL: spotify.accountsUrl,
    REDIS_URL,
    QUEUE_PREFIX: runPrefix,
    WORKER_CONCURRENCY: String(opts.concurrency),
  });
  const silent = pino({ level: 'silent' });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const apps: App[] = [];
  const scenarios: Scenario[] = [];
  let embedSeconds = 0;
  try {
    // One App per worker, as each worker process has its own (pool, providers, resolver).
    for (let w = 0; w < Math.max(...opts.workers); w++) apps.push(await openApp(config, silent));
    const first = apps[0] as App;
    const report = await ingestCatalog(first.db, DEMO_CATALOG);
    const embedStarted = performance.now();
    const { modelId, embedded } = await backfillEmbeddings(first.db, first.providers.embedder);
    embedSeconds = (performance.now() - embedStarted) / 1000;
    await setIndexState(first.db, modelId, 'ready', 'exact');
    await activate(first.db, modelId);
    log(
      `catalog: ${report.songsUpserted} songs, ${embedded} embedded with the fake in ${embedSeconds.toFixed(1)} s`,
    );

    const originalFor = (app: App): Recommender =>
      createOriginalRecommender({
        client: createOpenAIClient(config.models),
        embeddingModel: config.models.embeddingModel,
        chatModel: config.models.chatModel,
        dimensions: config.models.embeddingDimensions,
        index: createSongIndex(app.db),
        spotify: config.spotify,
      });

    const run = async (design: Design, workers: number, clients: number, jobs: number): Promise<Scenario> => {
      const prefix = `${runPrefix}-${design}-${workers}w-${clients}c`;
      // Cold link caches for each scenario: ours in the database, the original's in process.
      await first.db.exec('TRUNCATE spotify_links');
      const { responder, wait } = recordingResponder();
      const queue = createMoodQueue(redis, { attempts: config.queue.attempts, prefix });
      const connections: Redis[] = [];
      const running: Worker[] = [];
      for (let w = 0; w < workers; w++) {
        const app = apps[w] as App;
        const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
        connections.push(connection);
        const worker = createMoodWorker({
          connection,
          recommender: design === 'ours' ? app.recommender : originalFor(app),
          responders: { discord: responder },
          contexts: prefixedContexts(connection, prefix),
          concurrency: config.queue.concurrency,
          lockMs: config.queue.lockMs,
          log: silent,
          prefix,
        });
        await worker.waitUntilReady();
        running.push(worker);
      }
      const latencies: number[] = [];
      const workerMs: number[] = [];
      let failed = 0;
      let issued = 0;
      const client = async () => {
        while (issued < jobs) {
          const i = issued++;
          const interactionId = snowflake();
          const target: DiscordTarget = {
            platform: 'discord',
            applicationId: '300000000000000001',
            interactionId,
            token: `bench-interaction-token-${interactionId}`,
            ephemeral: false,
          };
          const data: MoodJobData = MoodJobData.parse({
            v: 1,
            kind: 'mood',
            mood: `${MOODS[i % MOODS.length]} (${prefix.slice(-12)} #${i})`,
            size: PLAYLIST_SIZE,
            userId: `u${i}`,
            groupId: 'bench',
            requestedAt: Date.now(),
            target,
          });
          const delivered = wait(interactionId);
          const started = performance.now();
          await queue.enqueue(moodJobId(target, interactionId), data);
          const d = await delivered;
          latencies.push(d.at - started);
          workerMs.push(d.workerMs);
          if (!d.ok) failed++;
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: clients }, client));
      const wall = performance.now() - started;
      await Promise.all(running.map((w) => w.close()));
      for (const c of connections) c.disconnect();
      await queue.close();
      await dropPrefix(redis, prefix);
      return {
        design,
        workers,
        clients,
        jobs,
        latencies,
        workerMs,
        failed,
        jobsPerSecond: jobs / (wall / 1000),
      };
    };

    // Warm-up: connections, tokens, JIT; not recorded.
    for (const design of ['original', 'ours'] as const) await run(design, 1, 2, 4);

    for (const workers of opts.workers) {
      for (const clients of opts.clients) {
        const jobs = Math.max(opts.minJobs, clients * opts.rounds);
        for (const design of ['original', 'ours'] as const) {
          const s = await run(design, workers, clients, jobs);
          scenarios.push(s);
          log(
            `${design}, ${workers} worker(s) × ${opts.concurrency}, ${clients} concurrent: p50 ${fmtSec(percentile(s.latencies, 50))} s, ` +
              `p95 ${fmtSec(percentile(s.latencies, 95))} s, ${s.jobsPerSecond.toFixed(2)} jobs/s${s.failed ? `, ${s.failed} failed` : ''}`,
          );
        }
      }
    }
  } finally {
    for (const app of apps) await app.close();
    await dropPrefix(redis, runPrefix);
    redis.disconnect();
    await models.close();
    await spotify.close();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME} WITH (FORCE)`);
    await admin.end();
    log(`database ${DATABASE_NAME} dropped, Redis keys ${runPrefix}* deleted`);
  }

  const markdown = render({
    command,
    date,
    version,
    scenarios,
    embedSeconds,
    loadAtStart,
    loadAtEnd: loadavg(),
  });
  console.log(`\n${markdown}`);
  const dir = join(BENCH_DIR, 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'pipeline.md'), markdown);
  log(`written to ${join(dir, 'pipeline.md')}`);
}

function render(r: {
  command: string;
  date: string;
  version: string;
  scenarios: Scenario[];
  embedSeconds: number;
  loadAtStart: number[];
  loadAtEnd: number[];
}): string {
  const rows = r.scenarios.map((s) => [
    s.design === 'ours' ? 'ours (createRecommender)' : 'original order',
    `${s.workers} × ${opts.concurrency}`,
    String(s.clients),
    String(s.jobs),
    fmtSec(percentile(s.latencies, 50)),
    fmtSec(percentile(s.latencies, 95)),
    fmtSec(percentile(s.workerMs, 50)),
    s.jobsPerSecond.toFixed(2),
    String(s.failed),
  ]);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const header = [
    'pipeline',
    'workers × concurrency',
    'concurrent requests',
    'jobs',
    'job p50 (s)',
    'job p95 (s)',
    'in-worker p50 (s)',
    'jobs/s',
    'failed',
  ];
  const ratios = r.scenarios
    .filter((s) => s.design === 'ours')
    .map((ours) => {
      const original = r.scenarios.find(
        (o) => o.design === 'original' && o.workers === ours.workers && o.clients === ours.clients,
      );
      if (!original) return '';
      return line([
        `${ours.workers} × ${opts.concurrency}`,
        String(ours.clients),
        fmtRatio(percentile(original.latencies, 50) / percentile(ours.latencies, 50)),
        fmtRatio(percentile(original.latencies, 95) / percentile(ours.latencies, 95)),
        fmtRatio(ours.jobsPerSecond / original.jobsPerSecond),
      ]);
    })
    .filter(Boolean);
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  return `# /mood pipeline benchmark: our concurrent pipeline vs the original's order

- Command: \`${r.command}\`
- Date: ${r.date}
- Machine: nproc ${availableParallelism()}, ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}; load average ${la(r.loadAtStart)} at the start, ${la(r.loadAtEnd)} at the end (other processes share this machine)
- PostgreSQL: ${r.version}; Redis at ${REDIS_URL}; BullMQ queue and worker as shipped (\`createMoodQueue\`, \`createMoodWorker\`), one worker = one \`Worker\` with its own Redis connection, database pool and recommender, concurrency ${opts.concurrency}
- Catalog: data/demo-catalog.csv, embedded once with the fake OpenAI embedder (${opts.dimensions} dimensions, ${r.embedSeconds.toFixed(1)} s), exact search
- Latencies added by the fakes: embeddings ${opts.embedMs} ms, chat ${opts.chatMs} ms (HyDE and title), Spotify search ${opts.spotifyMs} ms (client credentials); every scenario starts with empty link caches
- Closed loop: N clients each enqueue a /mood job (playlist of ${PLAYLIST_SIZE}), wait for its delivery, enqueue the next; jobs = max(${opts.minJobs}, ${opts.rounds} × N). Job latency = enqueue → delivered to the responder; in-worker = the recommender's own total; jobs/s = jobs ÷ wall time

${line(header)}
${line(header.map((_, i) => (i < 2 ? '---' : '---:')))}
${rows.map(line).join('\n')}

Original ÷ ours (above 1× means ours is faster):

${line(['workers × concurrency', 'concurrent requests', 'job p50', 'job p95', 'jobs/s (ours ÷ original)'])}
${line(['---', '---:', '---:', '---:', '---:'])}
${ratios.join('\n')}

- **ours**: title(mood) ∥ [embed(mood) ∥ (HyDE → embed) → blend → vector ∥ lexical search (pool of 200) → fusion → re-rank → Spotify links (SPOTIFY_CONCURRENCY at a time, 10 by default; shared cache in PostgreSQL)].
- **original order**: HyDE → embed query → embed HyDE → search ×2 (limit 5, 3; popularity sort) → links one at a time with ${ORIGINAL_SPOTIFY_PAUSE_MS} ms pauses (in-process cache) → title. It runs here on the same async worker with the same concurrency; the original's synchronous clients inside async handlers blocked its event loop, so one of its processes served one request at a time — its real throughput was lower than this row.
`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
