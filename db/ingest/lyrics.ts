/**
 * Lyrics enrichment from a CSV in the Genius lyrics dataset layout (title, artist, lyrics), matched on the
 * normalised title + artist key (case, punctuation, accents, "feat." parts, version suffixes).
 * The original matched exact strings (≈1 % hit) and crashed on duplicate pairs; here the first entry wins.
 */

import { cleanText, matchKey } from '../../core/normalize.ts';
import type { Database } from '../database.ts';
import { MalformedLines, readRecords } from './records.ts';
import { type ProgressListener, withStagingTable } from './staging.ts';

export interface LyricsIngestReport {
  readonly read: number;
  readonly duplicates: number;
  readonly songsMatched: number;
  readonly malformed: MalformedLines;
}

export async function ingestLyrics(
  db: Database,
  path: string,
  onProgress?: ProgressListener,
): Promise<LyricsIngestReport> {
  const malformed = new MalformedLines();
  let read = 0;
  return withStagingTable(db, 'lyrics', 'line integer, match_key text, lyrics text', async (table) => {
    await db.copyFrom(
      table,
      ['line', 'match_key', 'lyrics'],
      (async function* () {
        for await (const r of readRecords(path, {
          delimiter: ',',
          quoted: true,
          malformed,
          required: ['title', 'artist', 'lyrics'],
          onProgress: (p) => onProgress?.({ phase: 'lyrics', ...p }),
        })) {
          const title = cleanText(r.get('title'));
          const lyrics = cleanText(r.get('lyrics'));
          if (!title || !lyrics) {
            malformed.add(r.line, title ? 'lyrics are empty' : 'title is empty');
            continue;
          }
          read++;
          yield [r.line, matchKey(title, cleanText(r.get('artist'))), lyrics];
        }
      })(),
    );
    const [dups] = (
      await db.query<{ n: string }>(`SELECT count(*) - count(DISTINCT match_key) AS n FROM ${table}`)
    ).rows;
    const [matched] = (
      await db.query<{ n: string }>(
        `WITH up AS (
           UPDATE songs s SET lyrics = l.lyrics, updated_at = now()
           FROM (SELECT DISTINCT ON (match_key) match_key, lyrics FROM ${table} ORDER BY match_key, line) l
           WHERE s.match_key = l.match_key
           RETURNING 1)
         SELECT count(*) AS n FROM up`,
      )
    ).rows;
    return { read, duplicates: Number(dups?.n ?? 0), songsMatched: Number(matched?.n ?? 0), malformed };
  });
}
