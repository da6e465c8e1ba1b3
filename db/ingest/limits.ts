/**
 * The bounds every ingest enforces, in one place (the README's ingest section lists them). A value over a
 * bound never reaches the database: identity fields (name, artist, title, user) skip the line, descriptive
 * ones (genre, tags, lyrics) are cut and the line is reported as adjusted.
 */
import { matchKey } from '../../core/normalize.ts';

/** A physical line, or a quoted record spanning lines, longer than this is skipped. */
export const MAX_RECORD_BYTES = 1024 * 1024;
export const MAX_NAME_CHARS = 500;
export const MAX_ARTIST_CHARS = 500;
export const MAX_USER_CHARS = 200;
export const MAX_GENRE_CHARS = 100;
export const MAX_TAG_CHARS = 40;
export const MAX_TAGS = 20;
export const MAX_LYRICS_CHARS = 100_000;
/** Below PostgreSQL's btree entry limit (2,704 bytes) for `songs_match_key_idx`, with room to spare. */
export const MAX_MATCH_KEY_BYTES = 2000;
/** Ten billion: above any play or stream count, far below values that would flatten log-popularity. */
export const MAX_POPULARITY = 10_000_000_000;
export const MIN_YEAR = 1000;
export const maxYear = (): number => new Date().getUTCFullYear() + 1;
/** Above this share of malformed lines in a file, an ingest writes nothing (the file is likely broken). */
export const DEFAULT_MAX_MALFORMED_SHARE = 0.1;

/** A bounded, quoted preview of a value for a report line, so no report echoes a huge field. */
export function preview(value: string, chars = 40): string {
  return JSON.stringify(value.length > chars ? `${value.slice(0, chars)}…` : value);
}

/** `text` cut to at most `max` UTF-16 units, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Why `value` is too long for `column`, or undefined when it fits. */
export function tooLong(column: string, value: string | null, max: number): string | undefined {
  if (value === null || value.length <= max) return undefined;
  return `${column} is ${value.length.toLocaleString('en-US')} characters, over the ${max.toLocaleString('en-US')} limit`;
}

/**
 * The match key, cut to MAX_MATCH_KEY_BYTES of UTF-8. Normalisation (NFKD) can expand a bounded title
 * several-fold, so bounding name and artist alone does not bound the key.
 */
export function boundedMatchKey(name: string, artist: string | null): string {
  const key = matchKey(name, artist);
  // Three bytes per UTF-16 unit at most: short keys need no byte count.
  if (key.length * 3 <= MAX_MATCH_KEY_BYTES) return key;
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length <= MAX_MATCH_KEY_BYTES) return key;
  return bytes
    .subarray(0, MAX_MATCH_KEY_BYTES)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}
