/**
 * The Million Music Playlists layout the original app used: `track_meta.tsv` (song_id, song_name, band)
 * joined with `user_item_interaction.csv` (user, item). Per song: interactions_count, unique_users,
 * avg_interactions_per_user and popularity_score = 0.6 × interactions_count + 0.4 × unique_users.
 */

import { cleanText } from '../../core/normalize.ts';
import type { Database } from '../database.ts';
import {
  boundedMatchKey,
  MAX_ARTIST_CHARS,
  MAX_NAME_CHARS,
  MAX_USER_CHARS,
  preview,
  tooLong,
} from './limits.ts';
import { LineLog } from './line-log.ts';
import { readRecords } from './records.ts';
import { type ProgressListener, withIngestRun } from './staging.ts';
import { type IngestOptions, refusal } from './verdict.ts';

export interface KaggleIngestReport {
  readonly tracks: {
    read: number;
    droppedWithoutName: number;
    duplicateIds: number;
    malformed: LineLog;
  };
  readonly interactions: { read: number; unknownSong: number; malformed: LineLog };
  /** Songs inserted or changed; a re-ingest of the same data writes none. */
  readonly songsUpserted: number;
  /** Why nothing was written (too many malformed lines, or no usable track); undefined when it was. */
  readonly refused: string | undefined;
  readonly staleStagingTablesDropped: number;
}

const SONG_ID = /^\d{1,18}$/;

export async function ingestKaggle(
  db: Database,
  files: { trackMeta: string; interactions: string },
  onProgress?: ProgressListener,
  options: IngestOptions = {},
): Promise<KaggleIngestReport> {
  const tracks = { read: 0, droppedWithoutName: 0, duplicateIds: 0, malformed: new LineLog() };
  const interactions = { read: 0, unknownSong: 0, malformed: new LineLog() };
  let staged = 0;

  return withIngestRun(db, async (run) => {
    const trackTable = await run.stagingTable(
      'tracks',
      'line integer, song_id bigint, name text, artist text, match_key text',
    );
    const interactionTable = await run.stagingTable('interactions', 'user_id text, item bigint');
    const done = (songsUpserted: number, refused: string | undefined): KaggleIngestReport => ({
      tracks,
      interactions,
      songsUpserted,
      refused,
      staleStagingTablesDropped: run.staleTablesDropped,
    });
    await db.copyFrom(
      trackTable,
      ['line', 'song_id', 'name', 'artist', 'match_key'],
      (async function* () {
        for await (const r of readRecords(files.trackMeta, {
          delimiter: '\t',
          quoted: false,
          malformed: tracks.malformed,
          required: ['song_id', 'song_name', 'band'],
          onProgress: (p) => onProgress?.({ phase: 'tracks', ...p }),
        })) {
          tracks.read++;
          const id = r.get('song_id')?.trim() ?? '';
          if (!SONG_ID.test(id)) {
            tracks.malformed.add(r.line, `song_id is not a whole number: ${preview(id)}`);
            continue;
          }
          const name = cleanText(r.get('song_name'));
          if (!name) {
            tracks.droppedWithoutName++;
            continue;
          }
          const artist = cleanText(r.get('band'));
          const problem =
            tooLong('song_name', name, MAX_NAME_CHARS) ?? tooLong('band', artist, MAX_ARTIST_CHARS);
          if (problem) {
            tracks.malformed.add(r.line, problem);
            continue;
          }
          staged++;
          yield [r.line, id, name, artist, boundedMatchKey(name, artist)];
        }
      })(),
    );

    await db.copyFrom(
      interactionTable,
      ['user_id', 'item'],
      (async function* () {
        for await (const r of readRecords(files.interactions, {
          delimiter: ',',
          quoted: true,
          malformed: interactions.malformed,
          required: ['user', 'item'],
          onProgress: (p) => onProgress?.({ phase: 'interactions', ...p }),
        })) {
          const user = cleanText(r.get('user'));
          const item = r.get('item')?.trim() ?? '';
          if (!user || !SONG_ID.test(item)) {
            interactions.malformed.add(r.line, user ? 'item is not a song id' : 'user is empty');
            continue;
          }
          if (user.length > MAX_USER_CHARS) {
            interactions.malformed.add(r.line, tooLong('user', user, MAX_USER_CHARS) ?? '');
            continue;
          }
          interactions.read++;
          yield [user, item];
        }
      })(),
    );

    const refused = refusal(
      [
        { label: files.trackMeta, usable: staged, malformed: tracks.malformed.count },
        {
          label: files.interactions,
          usable: interactions.read,
          malformed: interactions.malformed.count,
          mayBeEmpty: true,
        },
      ],
      options,
    );
    if (refused) return done(0, refused);

    onProgress?.({ phase: 'aggregating', bytes: 0, totalBytes: 0, records: 0 });
    const [dups] = (
      await db.query<{ n: string }>(`SELECT count(*) - count(DISTINCT song_id) AS n FROM ${trackTable}`)
    ).rows;
    tracks.duplicateIds = Number(dups?.n ?? 0);
    const [unknown] = (
      await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${interactionTable} i
             WHERE NOT EXISTS (SELECT 1 FROM ${trackTable} t WHERE t.song_id = i.item)`,
      )
    ).rows;
    interactions.unknownSong = Number(unknown?.n ?? 0);

    // The last line for a repeated song_id wins. Songs nobody played get 0, not NULL (the original's
    // NULLs later crashed its popularity sort). Lyrics, tags and embeddings survive a re-ingest.
    const [upserted] = (
      await db.query<{ n: string }>(
        `WITH up AS (
           INSERT INTO songs AS s (id, name, artist, match_key, interactions_count, unique_users,
                                   avg_interactions_per_user, popularity_score)
           SELECT t.song_id, t.name, t.artist, t.match_key,
                  coalesce(a.n, 0), coalesce(a.users, 0),
                  coalesce(a.n::double precision / nullif(a.users, 0), 0),
                  0.6 * coalesce(a.n, 0) + 0.4 * coalesce(a.users, 0)
           FROM (SELECT DISTINCT ON (song_id) * FROM ${trackTable} ORDER BY song_id, line DESC) t
           LEFT JOIN (SELECT item, count(*) AS n, count(DISTINCT user_id) AS users
                      FROM ${interactionTable} GROUP BY item) a ON a.item = t.song_id
           ON CONFLICT (id) DO UPDATE SET
             name = EXCLUDED.name, artist = EXCLUDED.artist, match_key = EXCLUDED.match_key,
             interactions_count = EXCLUDED.interactions_count, unique_users = EXCLUDED.unique_users,
             avg_interactions_per_user = EXCLUDED.avg_interactions_per_user,
             popularity_score = EXCLUDED.popularity_score, updated_at = now()
           -- Unchanged rows are not rewritten: a re-ingest of 12M songs would otherwise double the table.
           WHERE (s.name, s.artist, s.interactions_count, s.unique_users, s.popularity_score)
                 IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.artist, EXCLUDED.interactions_count,
                                   EXCLUDED.unique_users, EXCLUDED.popularity_score)
           RETURNING 1)
           SELECT count(*) AS n FROM up`,
      )
    ).rows;
    return done(Number(upserted?.n ?? 0), undefined);
  });
}
