/**
 * Normalisation for matching songs across datasets (catalog ↔ lyrics) and for stable ids.
 * "Don't Stop Me Now - Remastered 2011" by "Queen feat. X" and "Dont Stop Me Now" by "queen" share a key.
 */
import { createHash } from 'node:crypto';

const VERSION_WORDS =
  /\b(remaster(ed)?|live|version|edit|mix|remix|mono|stereo|demo|acoustic|single|radio|bonus|deluxe|instrumental|feat|ft|featuring|from|recorded|take|session|explicit|clean|original|extended|\d{4})\b/;

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'");
}

function squash(text: string): string {
  return text
    .replace(/&/g, ' and ')
    .replace(/'/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

export function normalizeTitle(title: string): string {
  let t = fold(title)
    .replace(/\([^)]*\)|\[[^\]]*\]|\{[^}]*\}/g, ' ')
    .replace(/\s(feat\.?|ft\.?|featuring)\s.*$/, '');
  // "Song - Remastered 2011", "Song - Live at Wembley": cut a dash suffix that names a version.
  const dash = t.search(/\s[-–—]\s/);
  if (dash > 0 && VERSION_WORDS.test(t.slice(dash))) t = t.slice(0, dash);
  return squash(t);
}

export function normalizeArtist(artist: string | null | undefined): string {
  if (!artist) return '';
  const a = fold(artist)
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/\s(feat\.?|ft\.?|featuring|with|x)\s.*$/, '')
    .replace(/,.*$/, '');
  return squash(a).replace(/^the /, '');
}

/** The key lyrics are matched on: normalised title and primary artist. */
export function matchKey(title: string, artist: string | null | undefined): string {
  return `${normalizeTitle(title)}|${normalizeArtist(artist)}`;
}

/** A stable positive 56-bit id for catalogs that carry no id of their own, as a decimal string. */
export function stableSongId(title: string, artist: string | null | undefined): string {
  const digest = createHash('sha1').update(matchKey(title, artist)).digest();
  return (digest.readBigUInt64BE(0) >> 8n).toString(10);
}

/** Text as PostgreSQL can store it: no NUL bytes, trimmed; empty becomes null. */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const cleaned = value.replaceAll('\u0000', '').trim();
  return cleaned === '' ? null : cleaned;
}

/** At most `max` code points (never half a surrogate pair), the last one an ellipsis when the text was cut. */
export function ellipsize(text: string, max: number): string {
  const points = [...text];
  return points.length > max ? `${points.slice(0, max - 1).join('')}…` : text;
}
