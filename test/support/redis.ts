import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUES } from '../../workers/jobs.ts';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A BullMQ key prefix of its own per test, so tests sharing one Redis never see each other's jobs. */
export function testPrefix(): string {
  return `sm-test-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under a prefix. */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The `mood` jobs under a prefix by state: what "none lost, none left to run twice" is checked against. */
export async function moodJobCounts(connection: Redis, prefix: string): Promise<Record<string, number>> {
  const queue = new Queue(QUEUES.mood, { connection, prefix });
  try {
    return await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
  } finally {
    await queue.close();
  }
}
