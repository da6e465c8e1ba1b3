/**
 * `/mood-admin` on Slack, end to end in HTTP mode: the real Bolt app receives signed slash commands, the
 * reindex queue is real BullMQ on real Redis (a prefix per test), and the re-index job is run by the real
 * reindex worker on PGlite with the local embedder — through a wrapper that can hold it between pages, so a
 * run can be watched and cancelled mid-embedding. The response_url posts land on the local fake Slack.
 * The throttling test drives a job whose progress it sets itself with BullMQ's `job.updateProgress`.
 * Also: `/healthz` and `/metrics` on the Slack HTTP port, in-process and from `sonic-mood slack`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { App } from '@slack/bolt';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_MESSAGES, RESPONSE_URL_POSTS, type WatchTiming } from '../bots/slack/admin.ts';
import { createSlackApp, EVENTS_PATH } from '../bots/slack/app.ts';
import { parseAdminCommand } from '../bots/slack/commands.ts';
import { createHealthHandler, HEALTH_PATHS } from '../cli/health-server.ts';
import type { LocalEmbedder } from '../core/local/embedder.ts';
import type { Embedder } from '../core/ports.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { QUEUES, type ReindexJobResult } from '../workers/jobs.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMetrics } from '../workers/metrics.ts';
import { createMoodQueue, type MoodQueue } from '../workers/mood-queue.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { cancelKey, createReindexQueue, type ReindexQueue } from '../workers/reindex-queue.ts';
import { createReindexWorker } from '../workers/reindex-worker.ts';
import { type FakeSlack, type ResponseUrlPost, startFakeSlack } from './fakes/slack-server.ts';
import { createPGliteDatabase, type TestDatabase } from './support/databases.ts';
import { localEmbedder } from './support/models.ts';
import { freePort } from './support/processes.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';
import { signedHeaders, slashCommandBody } from './support/slack.ts';

const BOT_TOKEN = 'xoxb-admin-bot-token';
const SIGNING_SECRET = 'admin-signing-secret-0123456789';
const OPERATOR = 'U0OPS';
const MEMBER = 'U0MALLORY';
/** Short enough for a test to see several updates; the budget of posts is the production one. */
const FAST: WatchTiming = { pollMs: 50, minGapMs: 200, refreshMs: 400, watchMs: 60_000 };

const SONGS = 24;
const CATALOG = [
  'name,artist,year,genre,tags,popularity',
  ...Array.from(
    { length: SONGS },
    (_, i) =>
      `Song ${i + 1},Artist ${i % 7},${1990 + i},pop,${i % 2 ? 'happy;dance' : 'sad;mellow'},${50 + i}`,
  ),
].join('\n');

let t: TestDatabase;
let local: LocalEmbedder;
let slack: FakeSlack;

beforeAll(async () => {
  [t, local, slack] = await Promise.all([
    createPGliteDatabase(),
    localEmbedder(),
    startFakeSlack({ botToken: BOT_TOKEN }),
  ]);
  const dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-slack-admin-'));
  await writeFile(path.join(dir, 'catalog.csv'), CATALOG);
  await ingestCatalog(t.db, path.join(dir, 'catalog.csv'));
});
afterAll(async () => {
  await Promise.all([t?.drop(), slack?.close()]);
});

/**
 * The local embedder, slowed (so the worker's once-a-second progress report lands mid-run) and, when `held`,
 * stopped before its next page until released.
 */
class HeldEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  constructor(
    private readonly inner: Embedder,
    private readonly delayMs: number,
  ) {
    this.model = inner.model;
    this.dimensions = inner.dimensions;
  }
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }
  release(): void {
    this.open();
  }
  async embed(texts: readonly string[], mode: Parameters<Embedder['embed']>[1]) {
    await this.gate;
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.embed(texts, mode);
  }
}

interface Stack {
  readonly eventsUrl: string;
  readonly port: number;
  readonly prefix: string;
  readonly redis: Redis;
  readonly reindex: ReindexQueue;
  /** Jobs in the reindex queue, in any state. */
  reindexJobs(): Promise<number>;
  close(): Promise<void>;
}

let stack: Stack | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stack?.close();
  stack = undefined;
});

async function startStack(
  options: { timing?: Partial<WatchTiming>; embeddingDimensions?: number } = {},
): Promise<Stack> {
  const prefix = testPrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const log = pino({ level: 'silent' });
  const queue: MoodQueue = createMoodQueue(redis, { attempts: 2, prefix });
  const reindex = createReindexQueue(redis, {
    prefix,
    models: { embeddingDimensions: options.embeddingDimensions ?? 1024 },
  });
  const watching = new AbortController();
  const app: App = await createSlackApp(
    {
      mode: 'http',
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: slack.apiUrl,
      routes: HEALTH_PATHS.map((p) => ({
        path: p,
        handler: createHealthHandler({ redis: () => redis.ping() }, createMetrics()),
      })),
    },
    {
      queue,
      limits: createRequestLimits(redis, {
        cooldownSeconds: 0,
        groupHourlyCap: 1000,
        keys: redisKeys(prefix),
      }),
      contexts: createPlaylistContexts(redis, redisKeys(prefix)),
      deliveries: createDeliveryGuard(redis, redisKeys(prefix)),
      // A Discord operator with the same id is not a Slack operator.
      admin: {
        reindex,
        operators: new Set([`slack:${OPERATOR}`, `discord:${MEMBER}`]),
        signal: watching.signal,
        timing: { ...FAST, ...options.timing },
      },
      log,
    },
  );
  const server = (await app.start(0)) as Server;
  const port = (server.address() as AddressInfo).port;
  const counter = new Queue(QUEUES.reindex, { connection: redis, prefix });
  stack = {
    eventsUrl: `http://127.0.0.1:${port}${EVENTS_PATH}`,
    port,
    prefix,
    redis,
    reindex,
    async reindexJobs() {
      const counts = await counter.getJobCounts();
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    async close() {
      watching.abort();
      await app.stop();
      await counter.close();
      await reindex.close();
      await queue.close();
      redis.disconnect();
      await dropPrefix(prefix);
    },
  };
  return stack;
}

/** The real reindex worker on this stack's queue, embedding through `embedder`. */
function startWorker(s: Stack, embedder: Embedder, onClose: () => void = () => {}): void {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const worker = createReindexWorker({
    operators: new Set([`slack:${OPERATOR}`]),
    connection,
    db: t.db,
    embedder,
    embedderFor: () => undefined,
    log: pino({ level: 'silent' }),
    prefix: s.prefix,
    batchSize: 4,
    lockMs: 10_000,
  });
  cleanups.push(async () => {
    onClose();
    await worker.close();
    connection.disconnect();
  });
}

/** Sends a signed `/mood-admin <text>` as `userId`, with a fresh response_url of the fake Slack. */
async function admin(
  s: { readonly eventsUrl: string },
  text: string,
  userId: string,
): Promise<{ status: number; body: unknown; ms: number; url: string }> {
  const url = slack.responseUrl();
  const body = slashCommandBody({ text, responseUrl: url, userId, command: '/mood-admin' });
  const started = performance.now();
  const response = await fetch(s.eventsUrl, {
    method: 'POST',
    headers: signedHeaders(SIGNING_SECRET, body),
    body,
  });
  const raw = await response.text();
  return { status: response.status, body: raw ? JSON.parse(raw) : raw, ms: performance.now() - started, url };
}

async function until<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

interface Posted {
  text: string;
  response_type?: string;
  replace_original?: boolean;
}
const texts = (url: string) => slack.postsTo(url).map((p: ResponseUrlPost) => (p.body as Posted).text);
const lastText = (url: string) => texts(url).at(-1);

/** Every post replaced the command's placeholder in place, ephemerally, within Slack's five uses. */
function expectWithinBudget(url: string): void {
  const posts = slack.postsTo(url).map((p) => p.body as Posted);
  expect(posts.length).toBeGreaterThan(0);
  expect(posts.length).toBeLessThanOrEqual(RESPONSE_URL_POSTS);
  for (const post of posts)
    expect(post).toMatchObject({ response_type: 'ephemeral', replace_original: true });
}

const BAR = /`█+░*\s\d+%` \d+\/\d+/;

describe('/mood-admin on Slack', () => {
  it("refuses a non-operator's reindex and cancel politely and enqueues nothing", async () => {
    const s = await startStack();
    for (const text of ['reindex full', 'reindex model:text-embedding-3-small dimensions:512', 'cancel']) {
      const answer = await admin(s, text, MEMBER);
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(3000);
      expect(answer.body).toEqual({ response_type: 'ephemeral', text: ADMIN_MESSAGES.notOperator });
      expect(answer.body).toMatchObject({ text: /only Sonic Mood's operators/ });
    }
    await settle();
    expect(await s.reindex.status()).toEqual({ state: 'idle' });
    expect(await s.reindexJobs()).toBe(0);
    expect(await s.redis.exists(cancelKey(s.prefix))).toBe(0);
    // Nothing was posted to any response_url either: the refusal is the ack itself.
    expect(slack.responses.filter((r) => (r.body as Posted).text === ADMIN_MESSAGES.notOperator)).toEqual([]);
  });

  it('answers help and bad options in the ack, and anyone may see the status', async () => {
    const s = await startStack();
    const help = await admin(s, '', MEMBER);
    expect(help.body).toMatchObject({ response_type: 'ephemeral', text: /`\/mood-admin status`/ });
    const wrong = await admin(s, 'reindex fast', OPERATOR);
    expect(wrong.body).toMatchObject({ text: /I don't know the option “fast”/ });
    const status = await admin(s, 'status', MEMBER);
    expect(status.body).toEqual({ response_type: 'ephemeral', text: ADMIN_MESSAGES.working.status });
    await until(() => lastText(status.url) === 'No re-index has run yet.');
    await settle(300);
    expect(texts(status.url)).toEqual(['No re-index has run yet.']);
    expectWithinBudget(status.url);
    expect(await s.reindexJobs()).toBe(0);
  });

  it("an operator's reindex enqueues one job; a second is told it is running; status shows the bar; cancel stops it", async () => {
    const s = await startStack();
    const held = new HeldEmbedder(local, 600);
    startWorker(s, held, () => held.release());

    const first = await admin(s, 'reindex full', OPERATOR);
    expect(first.ms).toBeLessThan(3000);
    expect(first.body).toEqual({ response_type: 'ephemeral', text: ADMIN_MESSAGES.working.reindex });
    await until(async () => (await s.reindexJobs()) === 1);
    // Two pages in (8 of 24 songs, reported after the worker's one-second throttle), the worker is held.
    await until(async () => ((await s.reindex.status()).progress?.done ?? 0) > 0);
    held.hold();
    await until(() => texts(first.url).some((text) => BAR.test(text)));

    const second = await admin(s, 'reindex', OPERATOR);
    await until(() => lastText(second.url) === ADMIN_MESSAGES.busy);
    expect(await s.reindexJobs()).toBe(1);

    // Status is not an operator's privilege.
    const status = await admin(s, 'status', MEMBER);
    const shown = await until(() => texts(status.url).find((text) => BAR.test(text)));
    expect(shown).toMatch(/^\*Re-index: embedding\*\n`█+░+ \d+%` \d+\/24/);
    expect(shown).not.toContain('**');

    const cancel = await admin(s, 'cancel', OPERATOR);
    expect(cancel.body).toEqual({ response_type: 'ephemeral', text: ADMIN_MESSAGES.working.cancel });
    await until(() => lastText(cancel.url) === ADMIN_MESSAGES.cancelled);
    held.release();
    const done = await until(async () => {
      const now = await s.reindex.status();
      return now.state === 'idle' && now.last ? now : undefined;
    });
    expect(done.last?.result?.status).toBe('cancelled');
    const cancelled = /^Last re-index was cancelled after \d+ songs; the live index is unchanged\.$/;
    // Both live messages end on the outcome, within their five posts.
    await until(
      () => cancelled.test(lastText(first.url) ?? '') && cancelled.test(lastText(status.url) ?? ''),
    );
    for (const url of [first.url, second.url, status.url, cancel.url]) expectWithinBudget(url);
    expect(await s.reindexJobs()).toBe(1);
  }, 90_000);

  it('a model named without dimensions is queued at EMBEDDING_DIMENSIONS, as `sonic-mood reindex --model` does', async () => {
    const s = await startStack({ embeddingDimensions: 768 });
    const asked = await admin(s, 'reindex model:text-embedding-3-small', OPERATOR);
    // No worker runs here: the job waits, and the status names the model it will build.
    await until(() => lastText(asked.url) === 'Re-index queued (openai:text-embedding-3-small@768)…');
    const status = await s.reindex.status();
    expect(status).toMatchObject({ state: 'waiting', model: 'openai:text-embedding-3-small@768' });
    const told = await admin(s, 'reindex model:text-embedding-3-small dimensions:512', OPERATOR);
    await until(() => lastText(told.url) === ADMIN_MESSAGES.busy);
  });

  it('follows a run to the switch: the message ends on the new live model', async () => {
    const s = await startStack();
    startWorker(s, new HeldEmbedder(local, 300));
    const run = await admin(s, 'reindex full', OPERATOR);
    await until(() => /^Last re-index: /.test(lastText(run.url) ?? ''), 60_000);
    expect(lastText(run.url)).toMatch(
      new RegExp(
        `^Last re-index: \\*${escapeRegExp(local.model)}\\* is live — ${SONGS} songs embedded, exact index, \\d+ s\\.$`,
      ),
    );
    expect(texts(run.url).some((text) => BAR.test(text) || /^Re-index (queued|starting)/.test(text))).toBe(
      true,
    );
    expectWithinBudget(run.url);
  }, 90_000);

  it('never posts more than five times to one response_url, and says when it stops updating', async () => {
    // Progress that changes every 40 ms, and no minimum gap: only the budget limits the posts.
    const s = await startStack({ timing: { pollMs: 20, minGapMs: 0, refreshMs: 0, watchMs: 1_500 } });
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    let stop = false;
    const worker = new Worker<unknown, ReindexJobResult>(
      QUEUES.reindex,
      async (job) => {
        for (let done = 0; done < 1000 && !stop; done += 1) {
          await job.updateProgress({
            phase: 'embedding',
            done,
            total: 1000,
            rate: 25,
            etaSeconds: 40,
            cursor: '',
          });
          await new Promise((r) => setTimeout(r, 40));
        }
        return { status: 'cancelled', model: 'test', embedded: 0 };
      },
      { connection, prefix: s.prefix },
    );
    cleanups.push(async () => {
      stop = true;
      await worker.close();
      connection.disconnect();
    });
    const run = await admin(s, 'reindex', OPERATOR);
    await until(() => lastText(run.url)?.includes(ADMIN_MESSAGES.stopsUpdating), 10_000);
    await settle(500);
    expect(slack.postsTo(run.url)).toHaveLength(RESPONSE_URL_POSTS);
    expect(lastText(run.url)).toMatch(BAR);
    expectWithinBudget(run.url);
  });

  it('serves /healthz and /metrics on the Slack HTTP port, beside /slack/events', async () => {
    const s = await startStack();
    const health = await fetch(`http://127.0.0.1:${s.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, checks: { redis: 'ok' } });
    const metrics = await fetch(`http://127.0.0.1:${s.port}/metrics?x=1`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('process_cpu_user_seconds_total');
    // The events path still verifies signatures.
    const unsigned = await fetch(s.eventsUrl, { method: 'POST', body: 'x=1' });
    expect(unsigned.status).toBe(401);
  });
});

describe('sonic-mood slack (HTTP mode)', () => {
  it('answers /healthz on SLACK_PORT and /mood-admin from OPERATOR_IDS, and keeps response_urls out of its logs', async () => {
    const port = await freePort();
    const prefix = testPrefix();
    let output = '';
    const child = spawn('node', ['bin/sonic-mood.js', 'slack'], {
      env: {
        ...process.env,
        SLACK_MODE: 'http',
        SLACK_PORT: String(port),
        // The same port: the Slack receiver serves the health routes, no second server is started.
        HEALTH_PORT: String(port),
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_APP_TOKEN: '',
        SLACK_API_URL: slack.apiUrl,
        OPERATOR_IDS: `discord:${MEMBER},slack:${OPERATOR}`,
        QUEUE_PREFIX: prefix,
        REDIS_URL,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await until(() => output.includes('slack app listening') || child.exitCode !== null, 30_000);
      expect(child.exitCode, output).toBeNull();
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);

      const s = { eventsUrl: `http://127.0.0.1:${port}${EVENTS_PATH}` };
      const refused = await admin(s, 'reindex', MEMBER);
      expect(refused.body).toMatchObject({ text: ADMIN_MESSAGES.notOperator });
      const status = await admin(s, 'status', OPERATOR);
      await until(() => lastText(status.url) === 'No re-index has run yet.', 10_000);
      const redis = new Redis(REDIS_URL);
      const jobs = new Queue(QUEUES.reindex, { connection: redis, prefix });
      expect(Object.values(await jobs.getJobCounts()).reduce((a, b) => a + b, 0)).toBe(0);
      await jobs.close();
      redis.disconnect();

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      for (const secret of [BOT_TOKEN, SIGNING_SECRET, status.url, refused.url])
        expect(output).not.toContain(secret);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await dropPrefix(prefix);
    }
  });
});

describe('parseAdminCommand', () => {
  it('reads the subcommand and reindex options in any order', () => {
    expect(parseAdminCommand('reindex model:text-embedding-3-small dimensions:512 full')).toEqual({
      kind: 'reindex',
      model: 'text-embedding-3-small',
      dimensions: 512,
      full: true,
    });
    expect(parseAdminCommand('  REINDEX  ')).toEqual({
      kind: 'reindex',
      model: undefined,
      dimensions: undefined,
      full: false,
    });
    expect(parseAdminCommand('Status')).toEqual({ kind: 'status' });
    expect(parseAdminCommand('help')).toEqual({ kind: 'help' });
    expect(parseAdminCommand('cancel now')).toMatchObject({ kind: 'invalid' });
    expect(parseAdminCommand('reindex dimensions:512')).toMatchObject({ kind: 'invalid', message: /model:/ });
    expect(parseAdminCommand('reindex dimensions:0 model:x')).toMatchObject({ kind: 'invalid' });
    expect(parseAdminCommand('reindex model:<!channel>')).toMatchObject({ kind: 'invalid' });
    expect(parseAdminCommand('reindex <!here>')).toMatchObject({
      kind: 'invalid',
      message: expect.not.stringMatching(/<!here>/),
    });
    expect(parseAdminCommand('destroy')).toMatchObject({ kind: 'invalid' });
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
