/**
 * "Swap a song…": one track of a shown playlist replaced in place by the best of the next candidates (the
 * core's picks under the same mood and constraints, none shown before). An artist the rest of the playlist
 * already has is passed over while another will do, so a swap does not tip the artist mix.
 */
import { normalizeArtist } from './normalize.ts';
import type { Playlist, SongId, Track } from './types.ts';

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
