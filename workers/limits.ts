/**
 * Per-user cooldown and per-group (Discord guild, Slack team) hourly cap, in Redis so every bot replica
 * shares them. rate-limiter-flexible does the counting atomically.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Platform } from '../core/types.ts';
import type { RedisKeys } from './redis-keys.ts';

export type LimitVerdict = { ok: true } | { ok: false; scope: 'user' | 'group'; retryAfterSeconds: number };

/** A typed `/mood`, or a press of a playlist's "Another take" / "More like this" button. */
export type RequestOrigin = 'command' | 'button';

export interface LimitedRequest {
  readonly platform: Platform;
  readonly userId: string;
  readonly groupId: string | null;
  readonly origin: RequestOrigin;
}

export interface RequestLimits {
  consume(request: LimitedRequest): Promise<LimitVerdict>;
}

/**
 * Button presses per user within one cooldown window. A button follows a playlist the user just got, so
 * charging it to the command cooldown refused "Another take" right after every playlist; it has a budget of
 * its own, looser than the one command per window, and a typed `/mood` does not spend it. Both still count
 * against the group's hourly cap, which bounds what a server or workspace costs.
 */
export const BUTTON_PRESSES_PER_COOLDOWN = 3;

export function createRequestLimits(
  redis: Redis,
  options: { cooldownSeconds: number; groupHourlyCap: number; keys: RedisKeys },
): RequestLimits {
  const { keys } = options;
  const perUser = (budget: 'user' | 'button', points: number) =>
    options.cooldownSeconds > 0
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: keys.limit(budget),
          points,
          duration: options.cooldownSeconds,
        })
      : undefined;
  const perOrigin: Record<RequestOrigin, RateLimiterRedis | undefined> = {
    command: perUser('user', 1),
    button: perUser('button', BUTTON_PRESSES_PER_COOLDOWN),
  };
  const perGroup = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: keys.limit('group'),
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
    async consume({ platform, userId, groupId, origin }) {
      const userWait = await attempt(perOrigin[origin], `${platform}:${userId}`);
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
  claim(platform: Platform, interactionKey: string): Promise<boolean>;
}

export function createDeliveryGuard(redis: Redis, keys: RedisKeys): DeliveryGuard {
  return {
    async claim(platform, interactionKey) {
      // An hour outlives every redelivery window (Discord tokens last 15 min, Slack retries within minutes).
      const set = await redis.set(keys.delivery(platform, interactionKey), '1', 'EX', 3600, 'NX');
      return set === 'OK';
    },
  };
}
