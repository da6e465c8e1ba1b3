/**
 * "Swap a song…": one track of a shown playlist replaced in place by the best of the next candidates (the
 * core's picks under the same mood and constraints, none shown before). An artist the rest of the playlist
 * already has is passed over while another will do, so a swap does not tip the artist mix.
 */
import { normalizeArtist } from './normalize.ts';
import type { Recommender } from './recommend.ts';
import type { MoodRequest, Playlist, SongId, Track } from './types.ts';

/** How many next-best songs a swap chooses from. */
export const SWAP_CHOICES = 5;

type Shown = Pick<Playlist, 'title' | 'description' | 'mood' | 'tracks' | 'providers'>;

/** The playlist with `songId` replaced, and the track that came in; undefined when there is nothing to swap. */
export function swapTrack(
  shown: Shown,
  songId: SongId,
  candidates: readonly Track[],
): { playlist: Shown; added: Track } | undefined {
  const at = shown.tracks.findIndex((t) => t.songId === songId);
  if (at < 0) return undefined;
  const kept = new Set(shown.tracks.map((t) => t.songId));
  const fresh = candidates.filter((c) => !kept.has(c.songId));
  const others = new Set(shown.tracks.filter((_, i) => i !== at).map((t) => normalizeArtist(t.artist)));
  const added = fresh.find((c) => !others.has(normalizeArtist(c.artist))) ?? fresh[0];
  if (!added) return undefined;
  const tracks = shown.tracks.map((t, i) => (i === at ? added : t));
  return { playlist: { ...shown, tracks }, added };
}

/**
 * The shown playlist with `songId` swapped for the best of the core's next picks under the same request,
 * none of `seen` (every song shown in this playlist's line); undefined when nothing else fits.
 */
export async function swapWithNext(
  recommender: Recommender,
  request: MoodRequest,
  shown: Shown,
  songId: SongId,
  seen: readonly SongId[],
): Promise<{ playlist: Playlist; added: Track } | undefined> {
  const next = await recommender.recommend({
    ...request,
    size: SWAP_CHOICES,
    excludeSongIds: [...new Set([...seen, ...shown.tracks.map((t) => t.songId)])],
  });
  const swapped = swapTrack(shown, songId, next.tracks);
  return swapped && { playlist: { ...swapped.playlist, timings: next.timings }, added: swapped.added };
}

/**
 * The songs a swap menu lists: each once (the first time it is listed), with its place in the playlist, at most a
 * menu's 25. Both platforms refuse a menu with two equal values.
 */
export function uniqueSongs(tracks: readonly Track[]): { track: Track; index: number }[] {
  const seen = new Set<string>();
  return tracks
    .map((track, index) => ({ track, index }))
    .filter(({ track }) => !seen.has(track.songId) && Boolean(seen.add(track.songId)))
    .slice(0, 25);
}
