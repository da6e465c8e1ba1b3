/**
 * One Slack playlist, never two, when the worker dies mid-post: `node bin/sonic-mood.js worker` (the
 * container's entrypoint) is SIGKILLed while its post is in flight — Slack has taken the message, its answer
 * has not come back — and a second worker re-runs the stalled job. (The fake's response_urls are not on
 * hooks.slack.com, so a worker process posts public playlists with chat.postMessage: the same fault.)
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../cli/app.ts';
import { DEMO_CATALOG } from '../cli/catalog-setup.ts';
import { loadConfig } from '../core/config.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { type MoodJobResult, QUEUES } from '../workers/jobs.ts';
import { createMoodQueue } from '../workers/mood-queue.ts';
import { type FakeSlack, startFakeSlack } from './fakes/slack-server.ts';
import { createPostgresDatabase, type TestDatabase } from './support/databases.ts';
import { type RunningProcess, startSonicMood } from './support/processes.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';
import { triggerId } from './support/slack.ts';

const BOT_TOKEN = 'xoxb-process-bot-token';
const prefix = testPrefix();
let slack: FakeSlack;
let database: TestDatabase;
let redis: Redis;
let env: Record<string, string>;
const children: RunningProcess[] = [];

beforeAll(async () => {
  [slack, database] = await Promise.all([startFakeSlack({ botToken: BOT_TOKEN }), createPostgresDatabase()]);
  env = {
    DATABASE_URL: String(database.url),
    SONIC_MOOD_DATA_DIR: '.sonic-mood',
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    WORKER_LOCK_MS: '2000',
    HEALTH_PORT: '0',
    LOG_LEVEL: 'info',
  };
  // The catalog, embedded once here, so each worker process starts at once.
  const app = await openApp(loadConfig(env), pino({ level: 'silent' }));
  await ingestCatalog(app.db, DEMO_CATALOG);
  const { modelId } = await backfillEmbeddings(app.db, app.providers.embedder);
  await activate(app.db, modelId);
  await app.close();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.alive()) child.child.kill('SIGKILL');
  redis?.disconnect();
  await slack?.close();
  await database?.drop();
  await dropPrefix(prefix);
});

async function startWorker(): Promise<RunningProcess> {
  const worker = await startSonicMood(['worker'], env, 'worker ready');
  children.push(worker);
  return worker;
}

async function finished(jobId: string, timeoutMs: number): Promise<MoodJobResult> {
  const queue = new Queue(QUEUES.mood, { connection: redis, prefix });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await queue.getJob(jobId);
      const state = await job?.getState();
      if (job && state === 'completed') return job.returnvalue as MoodJobResult;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await queue.close();
  }
}

describe('sonic-mood worker on Slack (process)', () => {
  it('a worker SIGKILLed while its public post is in flight: the re-run posts no second playlist', async () => {
    const posts = () =>
      slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0MUSIC');
    // Slack takes the post at once and answers a minute later: the worker dies waiting.
    slack.slowApi('chat.postMessage', 60_000);
    const first = await startWorker();
    const queue = createMoodQueue(redis, { attempts: 3, prefix });
    const jobId = `slack-${triggerId()}`;
    await queue.enqueue(jobId, {
      v: 1,
      kind: 'mood',
      mood: 'happy dance party',
      size: 5,
      userId: 'U0ALICE',
      groupId: 'T0FAKE',
      requestedAt: Date.now(),
      target: {
        platform: 'slack',
        responseUrl: slack.responseUrl(),
        teamId: 'T0FAKE',
        channelId: 'C0MUSIC',
        userId: 'U0ALICE',
        ephemeral: false,
      },
    });
    await queue.close();
    const deadline = Date.now() + 60_000;
    while (posts().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(posts()).toHaveLength(1);
    first.child.kill('SIGKILL');
    await first.exited();

    const second = await startWorker();
    // The dead worker's lock lapses (WORKER_LOCK_MS 2 s); the second worker takes the stalled job.
    expect(await finished(jobId, 60_000)).toEqual({ status: 'unconfirmed' });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(posts()).toHaveLength(1);
    expect(second.output()).toContain('an earlier attempt may have posted this playlist');

    second.child.kill('SIGTERM');
    expect(await second.exited()).toBe(0);
  }, 180_000);
});
