/**
 * Two deployments sharing one Redis (QUEUE_PREFIX apart) share nothing: every key beside BullMQ's — playlist
 * contexts, cooldowns and caps, delivery claims, reply records, the re-index cancel flag — is under the prefix.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { createReindexQueue } from '../workers/reindex-queue.ts';
import { createReplyRecords } from '../workers/reply-records.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';

const blue = testPrefix();
const green = testPrefix();
let redis: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  redis.disconnect();
  await Promise.all([dropPrefix(blue), dropPrefix(green)]);
});

const limits = (prefix: string) =>
  createRequestLimits(redis, { cooldownSeconds: 60, groupHourlyCap: 1, keys: redisKeys(prefix) });

async function keysOf(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

describe('Redis keys under QUEUE_PREFIX', () => {
  it('keeps two deployments on one Redis apart, and writes nothing outside the prefix', async () => {
    const context = { mood: 'rainy sunday', size: 5, songIds: ['1'], ephemeral: false };
    const id = await createPlaylistContexts(redis, redisKeys(blue)).save(context);
    expect(await createPlaylistContexts(redis, redisKeys(blue)).load(id)).toEqual(context);
    expect(await createPlaylistContexts(redis, redisKeys(green)).load(id)).toBeUndefined();
    expect(await redis.exists(`sonic-mood:playlist:${id}`)).toBe(0);

    const request = { platform: 'slack', userId: 'T1-U1', groupId: 'T1', origin: 'command' } as const;
    expect(await limits(blue).consume(request)).toEqual({ ok: true });
    expect(await limits(blue).consume(request)).toMatchObject({ ok: false, scope: 'user' });
    // The other deployment's cooldown and group cap are its own.
    expect(await limits(green).consume(request)).toEqual({ ok: true });

    expect(await createDeliveryGuard(redis, redisKeys(blue)).claim('discord', '123')).toBe(true);
    expect(await createDeliveryGuard(redis, redisKeys(blue)).claim('discord', '123')).toBe(false);
    expect(await createDeliveryGuard(redis, redisKeys(green)).claim('discord', '123')).toBe(true);

    await createReplyRecords(redis, redisKeys(blue)).posting('slack-1');
    expect(await createReplyRecords(redis, redisKeys(green)).read('slack-1')).toBeUndefined();

    const reindex = createReindexQueue(redis, { prefix: blue, models: { embeddingDimensions: 1024 } });
    await reindex.start({ full: false, requestedBy: { platform: 'cli', userId: 'test' } });
    expect(await reindex.cancel()).toBe(true);
    await reindex.close();

    expect(await keysOf(blue)).toEqual(
      expect.arrayContaining([
        `${blue}:playlist:${id}`,
        `${blue}:limit:user:slack:T1-U1`,
        `${blue}:limit:group:slack:T1`,
        `${blue}:delivery:discord:123`,
        `${blue}:reply:slack-1`,
        `${blue}:reindex:cancel`,
      ]),
    );
    expect(await keysOf(green)).toEqual([
      `${green}:delivery:discord:123`,
      `${green}:limit:group:slack:T1`,
      `${green}:limit:user:slack:T1-U1`,
    ]);
  });
});

describe('button budget', () => {
  it('a button press right after a command is not refused; presses have a looser budget of their own', async () => {
    const prefix = testPrefix();
    try {
      const own = createRequestLimits(redis, {
        cooldownSeconds: 60,
        groupHourlyCap: 100,
        keys: redisKeys(prefix),
      });
      const who = { platform: 'discord', userId: '42', groupId: '7' } as const;
      expect(await own.consume({ ...who, origin: 'command' })).toEqual({ ok: true });
      expect(await own.consume({ ...who, origin: 'command' })).toMatchObject({ ok: false, scope: 'user' });
      for (let press = 0; press < 3; press++)
        expect(await own.consume({ ...who, origin: 'button' })).toEqual({ ok: true });
      expect(await own.consume({ ...who, origin: 'button' })).toMatchObject({ ok: false, scope: 'user' });
    } finally {
      await dropPrefix(prefix);
    }
  });
});
