/**
 * One row of a plain catalog (a CSV line or a JSON Lines object) checked and turned into the staging table's
 * columns: every field's bound (limits.ts), the year and popularity read strictly, the tags split and capped,
 * and the id kept or derived from the normalised name + artist.
 */
import { z } from 'zod';
import { cleanText, stableSongId } from '../../core/normalize.ts';
import type { CopyValue } from '../database.ts';
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
import type { LineLog } from './line-log.ts';

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

export const ALIASES: Record<string, keyof CatalogRow> = {
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
export function toStagingRow(
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
