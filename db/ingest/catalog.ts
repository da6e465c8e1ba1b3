/**
 * A plain catalog: CSV (header: name, artist, optional id, year, genre, tags, lyrics, popularity; tags
 * separated by `;` or `|`) or JSON Lines with the same keys (tags may be an array). Ids are kept when
 * given, else derived from the normalised name + artist so a re-ingest updates instead of duplicating.
 */
import { extname } from 'node:path';
import type { Database } from '../database.ts';
import { ALIASES, toStagingRow } from './catalog-rows.ts';
import { readJsonLines } from './json-lines.ts';
import { LineLog } from './line-log.ts';
import { readRecords } from './records.ts';
import { type ProgressListener, withIngestRun } from './staging.ts';
import { type IngestOptions, refusal } from './verdict.ts';

export interface CatalogIngestReport {
  readonly read: number;
  readonly duplicates: number;
  /** Songs inserted or changed; a re-ingest of the same file writes none. */
  readonly songsUpserted: number;
  /** Lines skipped, with why. */
  readonly malformed: LineLog;
  /** Lines loaded with a field cut to its limit (genre, tags, lyrics), with what was cut. */
  readonly adjusted: LineLog;
  /** Why nothing was written (too many malformed lines, or none usable); undefined when it was. */
  readonly refused: string | undefined;
  readonly staleStagingTablesDropped: number;
}

async function* csvRows(
  path: string,
  delimiter: ',' | '\t',
  malformed: LineLog,
  onProgress?: ProgressListener,
) {
  const keys = [
    'id',
    'name',
    'artist',
    'year',
    'genre',
    'tags',
    'lyrics',
    'popularity',
    ...Object.keys(ALIASES),
  ];
  for await (const r of readRecords(path, {
    delimiter,
    quoted: true,
    malformed,
    required: ['name|title|song_name'],
    multiline: ['lyrics'],
    onProgress: (p) => onProgress?.({ phase: 'catalog', ...p }),
  })) {
    const raw: Record<string, unknown> = {};
    for (const key of keys) {
      const value = r.get(key);
      if (value !== undefined && value !== '') raw[ALIASES[key] ?? key] = value;
    }
    yield { line: r.line, raw };
  }
}

/** The format by extension, case-insensitively: JSON Lines (.jsonl, .ndjson, .json), TSV, else CSV. */
function rowsOf(path: string, malformed: LineLog, onProgress?: ProgressListener) {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') {
    return readJsonLines(path, malformed, (p) => onProgress?.({ phase: 'catalog', ...p }));
  }
  return csvRows(path, ext === '.tsv' ? '\t' : ',', malformed, onProgress);
}

export async function ingestCatalog(
  db: Database,
  path: string,
  onProgress?: ProgressListener,
  options: IngestOptions = {},
): Promise<CatalogIngestReport> {
  const malformed = new LineLog();
  const adjusted = new LineLog();
  let read = 0;
  const columns = [
    'line',
    'id',
    'name',
    'artist',
    'year',
    'genre',
    'tags',
    'lyrics',
    'popularity',
    'match_key',
  ];
  return withIngestRun(db, async (run) => {
    const table = await run.stagingTable(
      'catalog',
      'line integer, id bigint, name text, artist text, year smallint, genre text, tags text[], lyrics text, popularity double precision, match_key text',
    );
    await db.copyFrom(
      table,
      columns,
      (async function* () {
        for await (const { line, raw } of rowsOf(path, malformed, onProgress)) {
          const staged = toStagingRow(line, raw, adjusted);
          if (typeof staged === 'string') {
            malformed.add(line, staged);
            continue;
          }
          read++;
          yield staged;
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
    if (report.refused) return { ...report, duplicates: 0, songsUpserted: 0 };
    const [dups] = (await db.query<{ n: string }>(`SELECT count(*) - count(DISTINCT id) AS n FROM ${table}`))
      .rows;
    // The last line for a repeated id wins; lyrics already present survive a catalog without them.
    const [upserted] = (
      await db.query<{ n: string }>(
        `WITH up AS (
           INSERT INTO songs AS s (id, name, artist, year, genre, tags, lyrics, popularity_score, match_key)
           SELECT id, name, artist, year, genre, tags, lyrics, popularity, match_key
           FROM (SELECT DISTINCT ON (id) * FROM ${table} ORDER BY id, line DESC) c
           ON CONFLICT (id) DO UPDATE SET
             name = EXCLUDED.name, artist = EXCLUDED.artist, year = EXCLUDED.year, genre = EXCLUDED.genre,
             tags = EXCLUDED.tags, lyrics = coalesce(EXCLUDED.lyrics, s.lyrics),
             popularity_score = EXCLUDED.popularity_score, match_key = EXCLUDED.match_key, updated_at = now()
           WHERE (s.name, s.artist, s.year, s.genre, s.tags, s.popularity_score, s.lyrics)
                 IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.artist, EXCLUDED.year, EXCLUDED.genre, EXCLUDED.tags,
                                   EXCLUDED.popularity_score, coalesce(EXCLUDED.lyrics, s.lyrics))
           RETURNING 1)
         SELECT count(*) AS n FROM up`,
      )
    ).rows;
    return { ...report, duplicates: Number(dups?.n ?? 0), songsUpserted: Number(upserted?.n ?? 0) };
  });
}
