/**
 * Lyrics enrichment from a CSV in the Genius lyrics dataset layout (title, artist, lyrics), matched on the
 * normalised title + artist key (case, punctuation, accents, "feat." parts, version suffixes).
 * The original matched exact strings (≈1 % hit) and crashed on duplicate pairs; here the first entry wins.
 */

import { cleanText } from '../../core/normalize.ts';
import type { Database } from '../database.ts';
import {
  boundedMatchKey,
  MAX_ARTIST_CHARS,
  MAX_LYRICS_CHARS,
  MAX_NAME_CHARS,
  tooLong,
  truncate,
} from './limits.ts';
import { LineLog } from './line-log.ts';
import { readRecords } from './records.ts';
import { type ProgressListener, withIngestRun } from './staging.ts';
import { type IngestOptions, refusal } from './verdict.ts';

export interface LyricsIngestReport {
  readonly read: number;
  readonly duplicates: number;
  readonly songsMatched: number;
  /** Lines skipped, with why. */
  readonly malformed: LineLog;
  /** Lines whose lyrics were cut to MAX_LYRICS_CHARS. */
  readonly adjusted: LineLog;
  /** Why nothing was written (too many malformed lines, or none usable); undefined when it was. */
  readonly refused: string | undefined;
  readonly staleStagingTablesDropped: number;
}

export async function ingestLyrics(
  db: Database,
  path: string,
  onProgress?: ProgressListener,
  options: IngestOptions = {},
): Promise<LyricsIngestReport> {
  const malformed = new LineLog();
  const adjusted = new LineLog();
  let read = 0;
  return withIngestRun(db, async (run) => {
    const table = await run.stagingTable('lyrics', 'line integer, match_key text, lyrics text');
    await db.copyFrom(
      table,
      ['line', 'match_key', 'lyrics'],
      (async function* () {
        for await (const r of readRecords(path, {
          delimiter: ',',
          quoted: true,
          malformed,
          required: ['title', 'artist', 'lyrics'],
          multiline: ['lyrics'],
          onProgress: (p) => onProgress?.({ phase: 'lyrics', ...p }),
        })) {
          const title = cleanText(r.get('title'));
          let lyrics = cleanText(r.get('lyrics'));
          if (!title || !lyrics) {
            malformed.add(r.line, title ? 'lyrics are empty' : 'title is empty');
            continue;
          }
          const artist = cleanText(r.get('artist'));
          const problem =
            tooLong('title', title, MAX_NAME_CHARS) ?? tooLong('artist', artist, MAX_ARTIST_CHARS);
          if (problem) {
            malformed.add(r.line, problem);
            continue;
          }
          if (lyrics.length > MAX_LYRICS_CHARS) {
            adjusted.add(
              r.line,
              `lyrics cut from ${lyrics.length.toLocaleString('en-US')} to ${MAX_LYRICS_CHARS.toLocaleString('en-US')} characters`,
            );
            lyrics = truncate(lyrics, MAX_LYRICS_CHARS);
          }
          read++;
          yield [r.line, boundedMatchKey(title, artist), lyrics];
        }
      })(),
    );
    const report = {
      read,
      malformed,
      adjusted,
      staleStagingTablesDropped: run.staleTablesDropped,
      refused: refusal([{ label: path, usable: read, malformed: malformed.count }], options),
    };
    if (report.refused) return { ...report, duplicates: 0, songsMatched: 0 };
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
    return { ...report, duplicates: Number(dups?.n ?? 0), songsMatched: Number(matched?.n ?? 0) };
  });
}
