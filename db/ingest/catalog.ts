/**
 * A plain catalog: CSV (header: name, artist, optional id, year, genre, tags, lyrics, popularity; tags
 * separated by `;` or `|`) or JSON Lines with the same keys (tags may be an array). Ids are kept when
 * given, else derived from the normalised name + artist so a re-ingest updates instead of duplicating.
 */
import { extname } from 'node:path';
import { z } from 'zod';
import { cleanText, stableSongId } from '../../core/normalize.ts';
import type { CopyValue, Database } from '../database.ts';
import { readJsonLines } from './json-lines.ts';
import {
  boundedMatchKey,
  MAX_ARTIST_CHARS,
  MAX_GENRE_CHARS,
  MAX_LYRICS_CHARS,
  MAX_NAME_CHARS,
  MAX_POPULARITY,
  MAX_TAG_CHARS,
  MAX_TAGS,
  MIN_YEAR,
  maxYear,
  preview,
  tooLong,
  truncate,
} from './limits.ts';
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

const text = z.union([z.string(), z.number()]).transform(String).nullish();
const scalar = z.union([z.string(), z.number()]).nullish();
const CatalogRow = z.object({
  id: z
    .union([z.string().regex(/^\d{1,18}$/), z.number().int().nonnegative()])
    .transform(String)
    .nullish(),
  name: text,
  artist: text,
  year: scalar,
  genre: text,
  tags: z.union([z.array(z.string()), z.string()]).nullish(),
  lyrics: text,
  popularity: scalar,
});
type CatalogRow = z.input<typeof CatalogRow>;

const ALIASES: Record<string, keyof CatalogRow> = {
  title: 'name',
  song_name: 'name',
  band: 'artist',
  song_id: 'id',
};

const DECIMAL = /^\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A year, null when unknown (empty, or 0 as the Million Song Dataset writes it), or why it is not one. */
function parseYear(value: string | number | null | undefined): number | null | { error: string } {
  const raw = typeof value === 'string' ? value.trim() : value;
  if (raw === null || raw === undefined || raw === '' || raw === 0 || raw === '0') return null;
  const year = typeof raw === 'number' ? raw : /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isInteger(year) && year >= MIN_YEAR && year <= maxYear()) return year;
  return { error: `year ${preview(String(raw))} is not a year from ${MIN_YEAR} to ${maxYear()}` };
}

/** A popularity (0 when absent), or why it is not one. */
function parsePopularity(value: string | number | null | undefined): number | { error: string } {
  const raw = typeof value === 'string' ? value.trim() : value;
  if (raw === null || raw === undefined || raw === '') return 0;
  const n = typeof raw === 'number' ? raw : DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isFinite(n) && n >= 0 && n <= MAX_POPULARITY) return n;
  return {
    error: `popularity ${preview(String(raw))} is not a number from 0 to ${MAX_POPULARITY.toLocaleString('en-US')}`,
  };
}

function splitTags(tags: string | readonly string[] | null | undefined): { tags: string[]; dropped: number } {
  const list = typeof tags === 'string' ? tags.split(/[;|]/) : (tags ?? []);
  const unique = [...new Set(list.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))];
  const kept = unique.filter((t) => t.length <= MAX_TAG_CHARS).slice(0, MAX_TAGS);
  return { tags: kept, dropped: unique.length - kept.length };
}

/** Validates one raw row into the staging columns, or says why it cannot be used; notes what it cut. */
function toStagingRow(
  line: number,
  raw: Record<string, unknown>,
  adjusted: LineLog,
): readonly CopyValue[] | string {
  const parsed = CatalogRow.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  const row = parsed.data;
  const name = cleanText(row.name);
  if (!name) return 'name is empty';
  const artist = cleanText(row.artist);
  const problem = tooLong('name', name, MAX_NAME_CHARS) ?? tooLong('artist', artist, MAX_ARTIST_CHARS);
  if (problem) return problem;
  const year = parseYear(row.year);
  if (year !== null && typeof year === 'object') return year.error;
  const popularity = parsePopularity(row.popularity);
  if (typeof popularity === 'object') return popularity.error;

  const cuts: string[] = [];
  let genre = cleanText(row.genre)?.toLowerCase() ?? null;
  if (genre && genre.length > MAX_GENRE_CHARS) {
    cuts.push(`genre cut from ${genre.length} to ${MAX_GENRE_CHARS} characters`);
    genre = truncate(genre, MAX_GENRE_CHARS);
  }
  const { tags, dropped } = splitTags(row.tags);
  if (dropped > 0)
    cuts.push(`${dropped} tag(s) dropped (over ${MAX_TAG_CHARS} characters or beyond ${MAX_TAGS})`);
  let lyrics = cleanText(row.lyrics);
  if (lyrics && lyrics.length > MAX_LYRICS_CHARS) {
    cuts.push(
      `lyrics cut from ${lyrics.length.toLocaleString('en-US')} to ${MAX_LYRICS_CHARS.toLocaleString('en-US')} characters`,
    );
    lyrics = truncate(lyrics, MAX_LYRICS_CHARS);
  }
  if (cuts.length > 0) adjusted.add(line, cuts.join('; '));
  return [
    line,
    row.id ?? stableSongId(name, artist),
    name,
    artist,
    year,
    genre,
    tags,
    lyrics,
    popularity,
    boundedMatchKey(name, artist),
  ];
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
