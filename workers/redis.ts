/** Redis connections for BullMQ, set up the way its production guide asks. */
import { Redis } from 'ioredis';
import { MoodError, MoodErrorCode } from '../core/errors.ts';

export type RedisRole = 'worker' | 'producer';

/**
 * Workers block on Redis and must never give up a command (`maxRetriesPerRequest: null`); producers (bots)
 * fail fast instead of queueing commands while Redis is away, so a user hears "try again" at once.
 */
export function connectRedis(
  url: string,
  role: RedisRole,
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void },
): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    lazyConnect: false,
  });
  // ioredis reconnects by itself; without a listener it prints every failed attempt to stderr unstructured.
  // One line when the connection goes and one when it is back is what an operator needs.
  let lost = false;
  redis.on('error', (error: Error) => {
    if (lost) return;
    lost = true;
    log.warn({ role, err: error }, 'Redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!lost) return;
    lost = false;
    log.info({ role }, 'Redis connection back');
  });
  return redis;
}

/**
 * BullMQ keeps jobs as ordinary keys: under any eviction policy but `noeviction`, a full Redis silently
 * deletes queued jobs. We refuse to start on such a Redis (losing a user's request is worse than not
 * starting), unless configured to only warn; a managed Redis that forbids CONFIG GET gets a warning.
 */
export async function checkEvictionPolicy(
  redis: Redis,
  mode: 'refuse' | 'warn',
  log: { warn(obj: object, msg: string): void },
): Promise<void> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // A refused password is not a managed Redis hiding CONFIG: nothing this process does can work.
    if (/^(WRONGPASS|NOAUTH)\b/.test(reason)) {
      throw new MoodError(
        MoodErrorCode.ConfigInvalid,
        `Redis refused the connection: ${reason.split('\n')[0]} Check the password in REDIS_URL.`,
      );
    }
    log.warn(
      { err: error },
      'could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction',
    );
    return;
  }
  if (policy === 'noeviction') return;
  const message =
    `Redis maxmemory-policy is "${policy}": Redis may evict queued jobs. ` +
    'Set it to noeviction (redis.conf or CONFIG SET maxmemory-policy noeviction), ' +
    'or set REDIS_EVICTION_CHECK=warn to run anyway.';
  if (mode === 'warn') {
    log.warn({ policy }, message);
    return;
  }
  throw new MoodError(MoodErrorCode.ConfigInvalid, message);
}

/**
 * A BullMQ Queue re-emits its connection's errors, and one without a listener prints each to stderr with its
 * stack. The connection from `connectRedis` already logs the outage once, and a command that fails rejects to
 * its caller, so a producer's queue has nothing to add.
 */
export function quietConnectionErrors<
  Q extends { on(event: 'error', listener: (error: Error) => void): unknown },
>(queue: Q): Q {
  queue.on('error', () => {});
  return queue;
}
