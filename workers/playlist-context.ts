/**
 * What a playlist's buttons and menus need later: the mood, the size, the songs already shown, the
 * refinements applied so far, and the playlist as it was shown (a swap edits it in place). Kept in Redis for
 * a day under a short random id that fits in a Discord custom_id / Slack action value. A context is never
 * changed: an edited playlist is saved under a new id, and its components carry that one.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { LINK_PLATFORMS } from '../core/listen-links.ts';
import {
  isEmptyRefinement,
  mergeRefinements,
  parseRefinement,
  RefinementSchema,
} from '../core/refinement.ts';
import type { Playlist } from '../core/types.ts';
import type { RedisKeys } from './redis-keys.ts';

const ShownTrack = z.object({
  songId: z.string().regex(/^\d{1,19}$/),
  name: z.string().max(2000),
  artist: z.string().max(2000).nullable(),
  year: z.number().int().nullable(),
  similarity: z.number(),
  popularity: z.number(),
  score: z.number(),
  spotifyUrl: z.string().max(3000),
  alsoOn: z
    .array(z.object({ platform: z.enum(LINK_PLATFORMS).exclude(['spotify']), url: z.string().max(3000) }))
    .max(3)
    .optional(),
  why: z.string().max(1000),
});

/** The playlist as it was shown, for a swap to edit; its timings are the request's, not needed again. */
const ShownPlaylist = z.object({
  title: z.string().max(1000),
  description: z.string().max(2000),
  mood: z.string().max(2000),
  tracks: z.array(ShownTrack).max(25),
  providers: z.object({ embedder: z.string(), writer: z.string(), links: z.string() }),
});

const PlaylistContext = z.object({
  mood: z.string(),
  size: z.number().int(),
  songIds: z.array(z.string()),
  ephemeral: z.boolean(),
  refinement: RefinementSchema.optional(),
  /** Who asked for it: only they may refine or swap it in place. Absent in older contexts. */
  requesterId: z.string().max(40).optional(),
  /** Absent in contexts an older version saved: those playlists cannot be swapped or rated. */
  shown: ShownPlaylist.optional(),
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
      // Checked on the way in as on the way out: a context `load` would refuse must fail here, loudly.
      await redis.set(key(id), JSON.stringify(PlaylistContext.parse(context)), 'EX', TTL_SECONDS);
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

/** The playlist as a context keeps it: what a swap re-renders. */
export function shownPlaylist(playlist: Playlist): NonNullable<PlaylistContext['shown']> {
  const { tracks, providers } = playlist;
  const cut = (text: string, max: number) =>
    [...text].length > max ? [...text].slice(0, max).join('') : text;
  const [title, description, mood] = [
    cut(playlist.title, 1000),
    cut(playlist.description, 2000),
    cut(playlist.mood, 2000),
  ];
  return {
    title,
    description,
    mood,
    tracks: tracks.map((t) => ({ ...t, alsoOn: t.alsoOn && [...t.alsoOn] })),
    providers,
  };
}

/** The playlist buttons: a new take on the same mood, or more songs like the ones shown. */
export type FollowUp = 'take' | 'like';

/**
 * Every control a shown playlist carries, on both platforms: the follow-up buttons, "Refine…" (a modal),
 * 👍 / 👎 (`Vote`) and the "Swap a song…" menu.
 */
export type PlaylistControl = FollowUp | 'refine' | 'up' | 'down' | 'swap';
export const PLAYLIST_CONTROLS: readonly PlaylistControl[] = ['take', 'like', 'refine', 'up', 'down', 'swap'];

/**
 * What a button press asks the worker for; both exclude every song the user has already been shown and keep
 * the refinements made so far.
 */
export function followUpRequest(action: FollowUp, context: PlaylistContext) {
  const base = {
    mood: context.mood,
    size: context.size,
    excludeSongIds: context.songIds,
    ...(context.refinement ? { refinement: context.refinement } : {}),
  };
  // The songs on show (after a swap, not the last ids seen: one of those was swapped out).
  const shown = context.shown?.tracks.map((t) => t.songId) ?? context.songIds.slice(-context.size);
  return action === 'take'
    ? { ...base, kind: 'another' as const, seed: Math.floor(Math.random() * 2 ** 31) }
    : { ...base, kind: 'similar' as const, likeSongIds: shown };
}

/**
 * Why a follow-up cannot refine anything ("thanks", "ok"): nothing in it reads as a constraint or a word to add.
 * Checked before the job (and, on Slack, before the modal closes), so an empty refine costs nothing.
 */
export function refinementProblem(followUp: string): string | undefined {
  const parsed = parseRefinement(followUp);
  return isEmptyRefinement(parsed) && parsed.unsupported.length === 0 ? NOTHING_TO_REFINE : undefined;
}

export const NOTHING_TO_REFINE =
  'I could not find anything to change in that. Try e.g. “less upbeat”, “no rap”, “more 90s” or “without Drake”.';

/** What a refine asks the worker for: the user's follow-up parsed, on top of the refinements so far. */
export function refineRequest(context: PlaylistContext, followUp: string) {
  const added = parseRefinement(followUp);
  const refinement = context.refinement ? mergeRefinements(context.refinement, added) : added;
  // The refined playlist may keep songs already shown, but its other controls still never bring them back.
  return {
    kind: 'refine' as const,
    mood: context.mood,
    size: context.size,
    refinement,
    seenSongIds: context.songIds,
  };
}
