/**
 * Per-user cooldown and per-group (Discord guild, Slack team) hourly cap, in Redis so every bot replica
 * shares them. rate-limiter-flexible does the counting atomically.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type LimitVerdict = { ok: true } | { ok: false; scope: 'user' | 'group'; retryAfterSeconds: number };

export interface RequestLimits {
  consume(request: { platform: string; userId: string; groupId: string | null }): Promise<LimitVerdict>;
}

export function createRequestLimits(
  redis: Redis,
  options: { cooldownSeconds: number; groupHourlyCap: number; keyPrefix?: string },
): RequestLimits {
  const prefix = options.keyPrefix ?? 'sonic-mood:limit';
  const perUser =
    options.cooldownSeconds > 0
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${prefix}:user`,
          points: 1,
          duration: options.cooldownSeconds,
        })
      : undefined;
  const perGroup = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:group`,
    points: options.groupHourlyCap,
    duration: 3600,
  });

  const attempt = async (limiter: RateLimiterRedis | undefined, key: string) => {
    if (!limiter) return undefined;
    try {
      await limiter.consume(key);
      return undefined;
    } catch (rejection) {
      // The library rejects with a RateLimiterRes when over the limit, or an Error when Redis failed.
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  };

  return {
    async consume({ platform, userId, groupId }) {
      const userWait = await attempt(perUser, `${platform}:${userId}`);
      if (userWait !== undefined) return { ok: false, scope: 'user', retryAfterSeconds: userWait };
      if (groupId) {
        const groupWait = await attempt(perGroup, `${platform}:${groupId}`);
        if (groupWait !== undefined) return { ok: false, scope: 'group', retryAfterSeconds: groupWait };
      }
      return { ok: true };
    },
  };
}

/**
 * Platforms redeliver events (Discord on a gateway resume, Slack on a slow ack). The first delivery of an
 * interaction claims it; later ones are ignored before they can count against a cooldown or answer twice.
 */
export interface DeliveryGuard {
  claim(platform: string, interactionKey: string): Promise<boolean>;
}

export function createDeliveryGuard(redis: Redis, keyPrefix = 'sonic-mood:delivery'): DeliveryGuard {
  return {
    async claim(platform, interactionKey) {
      // An hour outlives every redelivery window (Discord tokens last 15 min, Slack retries within minutes).
      const set = await redis.set(`${keyPrefix}:${platform}:${interactionKey}`, '1', 'EX', 3600, 'NX');
      return set === 'OK';
    },
  };
}
