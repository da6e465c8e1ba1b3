/** The worker's policies on real Redis + BullMQ, with a recording responder standing in for a platform. */
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../cli/logger.ts';
import { MoodError, MoodErrorCode } from '../core/errors.ts';
import type { Recommender } from '../core/recommend.ts';
import type { MoodRequest, Playlist } from '../core/types.ts';
import { type MoodJobData, type MoodJobResult, moodJobId, QUEUES } from '../workers/jobs.ts';
import { createMoodQueue, type MoodQueue } from '../workers/mood-queue.ts';
import { createMoodWorker, EXPIRED_MESSAGE } from '../workers/mood-worker.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { checkEvictionPolicy } from '../workers/redis.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { createReplyRecords } from '../workers/reply-records.ts';
import { ReplyRefused, type Responder } from '../workers/responder.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';

type Target = Extract<MoodJobData['target'], { platform: 'discord' }>;

const playlistFor = (request: MoodRequest): Playlist => ({
  title: 'T',
  description: '',
  mood: request.text,
  tracks: [],
  providers: { embedder: 'e', writer: 'w', links: 'l' },
  timings: { total: 1 },
});

function job(id: string, overrides: Partial<MoodJobData> = {}): MoodJobData {
  return {
    v: 1,
    kind: 'mood',
    mood: 'rainy sunday',
    size: 5,
    userId: '1',
    groupId: null,
    requestedAt: Date.now(),
    target: {
      platform: 'discord',
      applicationId: '100000000000000001',
      interactionId: id,
      token: 't'.repeat(40),
      ephemeral: false,
    },
    ...overrides,
  };
}

let prefix: string;
let producer: Redis;
let consumer: Redis;
let queue: MoodQueue;
let worker: Worker | undefined;
const delivered: { id: string; mood: string }[] = [];
const failed: { id: string; message: string }[] = [];

const responder: Responder<Target> = {
  deadline: (_t, requestedAt) => requestedAt + 15 * 60_000,
  deliver: async (t, d) => {
    delivered.push({ id: t.interactionId, mood: d.playlist.mood });
  },
  fail: async (t, message) => {
    failed.push({ id: t.interactionId, message });
  },
};

function startWorker(
  recommend: (r: MoodRequest) => Promise<Playlist>,
  discord: Responder<Target> = responder,
  log: Logger = pino({ level: 'silent' }),
) {
  const recommender: Recommender = { recommend };
  worker = createMoodWorker({
    connection: consumer,
    recommender,
    responders: { discord },
    contexts: createPlaylistContexts(consumer, redisKeys(prefix)),
    concurrency: 2,
    lockMs: 5_000,
    log,
    prefix,
  });
  return worker;
}

async function resultOf(jobId: string): Promise<MoodJobResult | undefined> {
  const q = new Queue(QUEUES.mood, { connection: producer, prefix });
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      // The state first, then the job: read the other way round, a job that completes in between reads as
      // completed with the return value it did not have yet.
      const state = await q.getJobState(jobId);
      const found = await q.getJob(jobId);
      if (state === 'completed') return found?.returnvalue as MoodJobResult;
      if (state === 'failed' || Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await q.close();
  }
}

async function settled(count: number) {
  const deadline = Date.now() + 20_000;
  while (delivered.length + failed.length < count && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
}

beforeEach(() => {
  prefix = testPrefix();
  producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  consumer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = createMoodQueue(producer, { attempts: 3, prefix });
  delivered.length = 0;
  failed.length = 0;
});

afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await queue.close();
  producer.disconnect();
  consumer.disconnect();
  await dropPrefix(prefix);
});

describe('mood worker', () => {
  it('answers each job once, and a second delivery of the same interaction enqueues nothing', async () => {
    startWorker(async (r) => playlistFor(r));
    const data = job('200000000000000001');
    const jobId = moodJobId(data.target, '200000000000000001');
    // Two deliveries racing each other: BullMQ's job id makes them one job.
    await Promise.all([queue.enqueue(jobId, data), queue.enqueue(jobId, data)]);
    await settled(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(delivered).toEqual([{ id: '200000000000000001', mood: 'rainy sunday' }]);
    // And one arriving after the answer was posted is still the same, completed job.
    await queue.enqueue(jobId, data);
    await new Promise((r) => setTimeout(r, 300));
    expect(delivered).toHaveLength(1);
  });

  it('retries a model hiccup and delivers once it recovers', async () => {
    let calls = 0;
    startWorker(async (r) => {
      calls++;
      if (calls === 1) throw new MoodError(MoodErrorCode.EmbeddingUnavailable, 'down', { retryable: true });
      return playlistFor(r);
    });
    // Short backoff so the test does not wait the production 2 s.
    const q = new Queue(QUEUES.mood, { connection: producer, prefix });
    await q.add('mood', job('200000000000000002'), { jobId: 'discord-2', attempts: 3, backoff: 50 });
    await settled(1);
    await q.close();
    expect(calls).toBe(2);
    expect(delivered.map((d) => d.id)).toEqual(['200000000000000002']);
    expect(failed).toEqual([]);
  });

  it('ends with one friendly message when the model stays down, never a stack trace', async () => {
    startWorker(async () => {
      throw new MoodError(MoodErrorCode.EmbeddingUnavailable, 'ECONNREFUSED 10.0.0.1 at Socket…', {
        retryable: true,
      });
    });
    const q = new Queue(QUEUES.mood, { connection: producer, prefix });
    await q.add('mood', job('200000000000000003'), { jobId: 'discord-3', attempts: 2, backoff: 50 });
    await settled(1);
    await new Promise((r) => setTimeout(r, 300));
    await q.close();
    expect(failed).toEqual([
      {
        id: '200000000000000003',
        message: 'The music brain is unavailable right now. Please try again in a minute.',
      },
    ]);
  });

  it('a permanent failure is answered at once, without retries', async () => {
    let calls = 0;
    startWorker(async () => {
      calls++;
      throw new MoodError(MoodErrorCode.MoodNotUnderstood, 'no words');
    });
    await queue.enqueue('discord-4', job('200000000000000004'));
    await settled(1);
    expect(calls).toBe(1);
    expect(failed[0]?.message).toMatch(/could not find words I understand/);
  });

  it("waits out a model API's Retry-After before the next attempt, not the usual 2 s", async () => {
    let calls = 0;
    startWorker(async () => {
      calls++;
      throw new MoodError(MoodErrorCode.EmbeddingUnavailable, '429 Too Many Requests', {
        retryable: true,
        retryAfterSeconds: 7,
      });
    });
    await queue.enqueue('discord-40', job('200000000000000040'));
    const q = new Queue(QUEUES.mood, { connection: producer, prefix });
    try {
      const deadline = Date.now() + 20_000;
      while ((await q.getJob('discord-40').then((j) => j?.getState())) !== 'delayed') {
        if (Date.now() > deadline) throw new Error('the job was never scheduled for a retry');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await q.getJob('discord-40'))?.delay).toBe(7_000);
    } finally {
      await q.close();
    }
    expect(calls).toBe(1);
    expect(failed).toEqual([]);
  });

  it('a Retry-After the reply window would close on is answered now, not retried into silence', async () => {
    let calls = 0;
    startWorker(async () => {
      calls++;
      throw new MoodError(MoodErrorCode.EmbeddingUnavailable, '429 Too Many Requests', {
        retryable: true,
        retryAfterSeconds: 3_600,
      });
    });
    await queue.enqueue('discord-41', job('200000000000000041'));
    expect(await resultOf('discord-41')).toEqual({ status: 'failed', code: 'EmbeddingUnavailable' });
    expect(calls).toBe(1);
    expect(failed).toEqual([
      {
        id: '200000000000000041',
        message: 'The music brain is unavailable right now. Please try again in a minute.',
      },
    ]);
  });

  it('logs a failed recommendation with its message, stack and cause under err, once', async () => {
    const lines: string[] = [];
    const log = createLogger('info', 'worker', { write: (line: string) => void lines.push(line) });
    const cause = new Error('connect ECONNREFUSED 10.0.0.7:443');
    startWorker(
      async () => {
        throw new MoodError(MoodErrorCode.MoodNotUnderstood, 'no words the model knows', { cause });
      },
      responder,
      log,
    );
    await queue.enqueue('discord-42', job('200000000000000042'));
    await settled(1);
    const entry = lines.find((line) => line.includes('recommendation failed'));
    expect(entry).toBeDefined();
    // One `msg` key: a second one (the old `{ msg: String(error) }`) would hide the first from parsers.
    expect(entry?.match(/"msg":/g)).toHaveLength(1);
    const parsed = JSON.parse(entry ?? '{}') as {
      err?: { message?: string; stack?: string; cause?: unknown };
    };
    expect(parsed.err?.message).toBe('no words the model knows');
    expect(parsed.err?.stack).toMatch(/^MoodError: no words the model knows\n\s+at /);
    expect(parsed.err?.cause).toMatchObject({ message: 'connect ECONNREFUSED 10.0.0.7:443' });
  });

  it('does not brew a job whose reply window has closed, and tells the requester where it still can', async () => {
    let calls = 0;
    startWorker(async (r) => {
      calls++;
      return playlistFor(r);
    });
    await queue.enqueue('discord-5', job('200000000000000005', { requestedAt: Date.now() - 16 * 60_000 }));
    await queue.enqueue('discord-6', job('200000000000000006'));
    await settled(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(1);
    expect(delivered.map((d) => d.id)).toEqual(['200000000000000006']);
    expect(failed).toEqual([{ id: '200000000000000005', message: EXPIRED_MESSAGE }]);
    expect(await resultOf('discord-5')).toEqual({ status: 'expired' });
  });

  it('a post that timed out after landing is not posted again where a repost would be a second message', async () => {
    const posts: string[] = [];
    // Like a public Slack playlist: each post is a new message, and the first post's answer never arrives.
    const newMessageEachTime: Responder<Target> = {
      ...responder,
      repostDuplicates: () => true,
      deliver: async (t) => {
        posts.push(t.interactionId);
        if (posts.length === 1) throw new Error('The operation was aborted due to timeout');
      },
    };
    startWorker(async (r) => playlistFor(r), newMessageEachTime);
    const q = new Queue(QUEUES.mood, { connection: producer, prefix });
    await q.add('mood', job('200000000000000009'), { jobId: 'discord-9', attempts: 3, backoff: 50 });
    await q.close();
    expect(await resultOf('discord-9')).toEqual({ status: 'unconfirmed' });
    expect(posts).toEqual(['200000000000000009']);
  });

  it('where posting again replaces the message (Discord edits its reply), the retry posts again', async () => {
    let posts = 0;
    const editsInPlace: Responder<Target> = {
      ...responder,
      deliver: async () => {
        posts++;
        if (posts === 1) throw new Error('socket hang up');
      },
    };
    startWorker(async (r) => playlistFor(r), editsInPlace);
    const q = new Queue(QUEUES.mood, { connection: producer, prefix });
    await q.add('mood', job('200000000000000010'), { jobId: 'discord-10', attempts: 3, backoff: 50 });
    await q.close();
    expect(await resultOf('discord-10')).toMatchObject({ status: 'delivered' });
    expect(posts).toBe(2);
  });

  it('a refusal means nothing was posted: retried when passing, never counted delivered when final', async () => {
    let posts = 0;
    const refusing: Responder<Target> = {
      ...responder,
      repostDuplicates: () => true,
      deliver: async (t) => {
        posts++;
        if (t.interactionId.endsWith('11')) throw new ReplyRefused('channel closed to the bot', true);
        if (posts === 2) throw new ReplyRefused('HTTP 503', false);
      },
    };
    startWorker(async (r) => playlistFor(r), refusing);
    const q = new Queue(QUEUES.mood, { connection: producer, prefix });
    await q.add('mood', job('200000000000000011'), { jobId: 'discord-11', attempts: 3, backoff: 50 });
    expect(await resultOf('discord-11')).toEqual({
      status: 'undelivered',
      reason: 'channel closed to the bot',
    });
    await q.add('mood', job('200000000000000012'), { jobId: 'discord-12', attempts: 3, backoff: 50 });
    await q.close();
    // The 503 posted nothing, so the retry posts, even where a repost would be a second message.
    expect(await resultOf('discord-12')).toMatchObject({ status: 'delivered' });
    expect(posts).toBe(3);
  });

  it('a job whose playlist is recorded as posted is not brewed or posted again', async () => {
    let calls = 0;
    startWorker(async (r) => {
      calls++;
      return playlistFor(r);
    });
    const posted = { status: 'delivered' as const, playlistId: 'p1', tracks: 5, totalMs: 9 };
    await createReplyRecords(producer, redisKeys(prefix)).posted('discord-13', posted);
    await queue.enqueue('discord-13', job('200000000000000013'));
    expect(await resultOf('discord-13')).toEqual(posted);
    expect(calls).toBe(0);
    expect(delivered).toEqual([]);
  });

  it('drops a malformed or forged job pushed straight into Redis, and keeps working', async () => {
    startWorker(async (r) => playlistFor(r));
    const q = new Queue(QUEUES.mood, { connection: producer, prefix });
    const bad = await q.add('mood', {
      v: 1,
      kind: 'mood',
      mood: 'x',
      target: { platform: 'discord', token: 'short' },
    });
    await queue.enqueue('discord-7', job('200000000000000007'));
    await settled(1);
    const state = await bad.getState();
    await q.close();
    expect(state).toBe('failed');
    expect(delivered.map((d) => d.id)).toEqual(['200000000000000007']);
  });

  it('the producer refuses an invalid payload before it reaches Redis', async () => {
    await expect(queue.enqueue('discord-8', { ...job('200000000000000008'), size: 500 })).rejects.toThrow();
    expect(await queue.depth()).toBe(0);
  });
});

describe('Redis eviction policy check', () => {
  const fakeRedis = (policy: string) =>
    ({ config: async () => ['maxmemory-policy', policy] }) as unknown as Redis;
  const log = { warn: () => {} };

  it('accepts noeviction and refuses anything else with a clear message', async () => {
    await expect(checkEvictionPolicy(fakeRedis('noeviction'), 'refuse', log)).resolves.toBeUndefined();
    await expect(checkEvictionPolicy(fakeRedis('allkeys-lru'), 'refuse', log)).rejects.toThrow(
      /maxmemory-policy is "allkeys-lru".*noeviction/s,
    );
    await expect(checkEvictionPolicy(fakeRedis('allkeys-lru'), 'warn', log)).resolves.toBeUndefined();
  });
});
