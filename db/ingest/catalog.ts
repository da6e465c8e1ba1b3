/**
 * A plain catalog: CSV (header: name, artist, optional id, year, genre, tags, lyrics, popularity; tags
 * separated by `;` or `|`) or JSON Lines with the same keys (tags may be an array). Ids are kept when
 * given, else derived from the normalised name + artist so a re-ingest updates instead of duplicating.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { cleanText, matchKey, stableSongId } from '../../core/normalize.ts';
import type { CopyValue, Database } from '../database.ts';
import { MalformedLines, readRecords } from './records.ts';
import { type ProgressListener, withStagingTable } from './staging.ts';

export interface CatalogIngestReport {
  readonly read: number;
  readonly duplicates: number;
  /** Songs inserted or changed; a re-ingest of the same file writes none. */
  readonly songsUpserted: number;
  readonly malformed: MalformedLines;
}

const text = z.union([z.string(), z.number()]).transform(String).nullish();
const CatalogRow = z.object({
  id: z
    .union([z.string().regex(/^\d{1,18}$/), z.number().int().nonnegative()])
    .transform(String)
    .nullish(),
  name: text,
  artist: text,
  year: z.coerce.number().int().min(1000).max(2999).nullish().catch(null),
  genre: text,
  tags: z.union([z.array(z.string()), z.string()]).nullish(),
  lyrics: text,
  popularity: z.coerce.number().min(0).nullish(),
});
type CatalogRow = z.input<typeof CatalogRow>;

const ALIASES: Record<string, keyof CatalogRow> = {
  title: 'name',
  song_name: 'name',
  band: 'artist',
  song_id: 'id',
};

function splitTags(tags: string | readonly string[] | null | undefined): string[] {
  const list = typeof tags === 'string' ? tags.split(/[;|]/) : (tags ?? []);
  return [
    ...new Set(list.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0 && t.length <= 40)),
  ].slice(0, 20);
}

/** Validates one raw row into the staging columns, or says why it cannot be used. */
function toStagingRow(line: number, raw: Record<string, unknown>): readonly CopyValue[] | string {
  const parsed = CatalogRow.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  const row = parsed.data;
  const name = cleanText(row.name);
  if (!name) return 'name is empty';
  const artist = cleanText(row.artist);
  const blankToNull = (v: string | null | undefined) => (v === '' ? null : v);
  return [
    line,
    row.id ?? stableSongId(name, artist),
    name,
    artist,
    row.year ?? null,
    cleanText(row.genre)?.toLowerCase() ?? null,
    splitTags(row.tags),
    cleanText(blankToNull(row.lyrics)),
    row.popularity ?? 0,
    matchKey(name, artist),
  ];
}

async function* jsonLines(path: string, malformed: MalformedLines, onProgress?: ProgressListener) {
  const totalBytes = (await stat(path)).size;
  const input = createReadStream(path);
  let line = 0;
  for await (const textLine of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (textLine.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(textLine);
    } catch {
      malformed.add(line, 'not valid JSON');
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      malformed.add(line, 'not a JSON object');
      continue;
    }
    if (line % 10_000 === 0)
      onProgress?.({ phase: 'catalog', bytes: input.bytesRead, totalBytes, records: line });
    yield { line, raw: value as Record<string, unknown> };
  }
}

async function* csvRows(path: string, malformed: MalformedLines, onProgress?: ProgressListener) {
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
    delimiter: path.endsWith('.tsv') ? '\t' : ',',
    quoted: true,
    malformed,
    required: ['name|title|song_name'],
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

export async function ingestCatalog(
  db: Database,
  path: string,
  onProgress?: ProgressListener,
): Promise<CatalogIngestReport> {
  const malformed = new MalformedLines();
  let read = 0;
  const rows = /\.jsonl?$|\.ndjson$/.test(path)
    ? jsonLines(path, malformed, onProgress)
    : csvRows(path, malformed, onProgress);
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
  return withStagingTable(
    db,
    'catalog',
    'line integer, id bigint, name text, artist text, year smallint, genre text, tags text[], lyrics text, popularity double precision, match_key text',
    async (table) => {
      await db.copyFrom(
        table,
        columns,
        (async function* () {
          for await (const { line, raw } of rows) {
            const staged = toStagingRow(line, raw);
            if (typeof staged === 'string') {
              malformed.add(line, staged);
              continue;
            }
            read++;
            yield staged;
          }
        })(),
      );
      const [dups] = (
        await db.query<{ n: string }>(`SELECT count(*) - count(DISTINCT id) AS n FROM ${table}`)
      ).rows;
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
      return { read, duplicates: Number(dups?.n ?? 0), songsUpserted: Number(upserted?.n ?? 0), malformed };
    },
  );
}
