/** The Spotify link cache shared by every worker: hits and misses, each with an expiry. */
import type { LinkCache, ResolvedLink } from '../core/ports.ts';
import type { SongId } from '../core/types.ts';
import type { Queryable } from './database.ts';

export function createLinkCache(db: Queryable): LinkCache {
  return {
    async get(songIds: readonly SongId[]) {
      const found = new Map<SongId, ResolvedLink | null>();
      if (songIds.length === 0) return found;
      const rows = (
        await db.query<{ id: string; url: string | null; kind: 'track' | 'search' | null }>(
          `SELECT song_id::text AS id, url, kind FROM spotify_links
         WHERE song_id = ANY($1::bigint[]) AND expires_at > now()`,
          [songIds],
        )
      ).rows;
      for (const r of rows) found.set(r.id, r.url && r.kind ? { url: r.url, kind: r.kind } : null);
      return found;
    },

    async put(entries, ttlSeconds) {
      if (entries.length === 0) return;
      await db.query(
        `INSERT INTO spotify_links (song_id, url, kind, expires_at)
         SELECT u.song_id, u.url, u.kind, now() + make_interval(secs => $4)
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(song_id, url, kind)
         WHERE EXISTS (SELECT 1 FROM songs s WHERE s.id = u.song_id)
         ON CONFLICT (song_id) DO UPDATE SET url = EXCLUDED.url, kind = EXCLUDED.kind,
           expires_at = EXCLUDED.expires_at`,
        [
          entries.map((e) => e.songId),
          entries.map((e) => e.link?.url ?? null),
          entries.map((e) => e.link?.kind ?? null),
          ttlSeconds,
        ],
      );
    },
  };
}
