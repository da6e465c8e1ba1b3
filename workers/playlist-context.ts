/**
 * What a playlist's buttons need later: the mood, the size and the songs already shown. Kept in Redis
 * for a day under a short random id that fits in a Discord custom_id / Slack action value.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RedisKeys } from './redis-keys.ts';

const PlaylistContext = z.object({
  mood: z.string(),
  size: z.number().int(),
  songIds: z.array(z.string()),
  ephemeral: z.boolean(),
});
export type PlaylistContext = z.infer<typeof PlaylistContext>;

const TTL_SECONDS = 24 * 3600;

export interface PlaylistContexts {
  save(context: PlaylistContext): Promise<string>;
  load(id: string): Promise<PlaylistContext | undefined>;
}

/** `keys` says which deployment the contexts belong to; every process of one deployment must pass the same. */
export function createPlaylistContexts(redis: Redis, keys: RedisKeys): PlaylistContexts {
  const key = (id: string) => keys.playlist(id);
  return {
    async save(context) {
      const id = randomBytes(9).toString('base64url');
      await redis.set(key(id), JSON.stringify(context), 'EX', TTL_SECONDS);
      return id;
    },
    async load(id) {
      if (!/^[\w-]{1,32}$/.test(id)) return undefined;
      const raw = await redis.get(key(id));
      if (!raw) return undefined;
      const parsed = PlaylistContext.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    },
  };
}

/** The playlist buttons: a new take on the same mood, or more songs like the ones shown. */
export type FollowUp = 'take' | 'like';

/** What a button press asks the worker for; both exclude every song the user has already been shown. */
export function followUpRequest(action: FollowUp, context: PlaylistContext) {
  const base = { mood: context.mood, size: context.size, excludeSongIds: context.songIds };
  return action === 'take'
    ? { ...base, kind: 'another' as const, seed: Math.floor(Math.random() * 2 ** 31) }
    : { ...base, kind: 'similar' as const, likeSongIds: context.songIds.slice(-context.size) };
}
