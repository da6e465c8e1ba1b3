/**
 * A request's hard filters as SQL conditions on `songs s`, shared by the vector search, the lexical search
 * and the theme probe, so a song a filter rules out is never a candidate by any road. Words match whole
 * words, in any case, of the genre or a tag ("rap" rules out "Hip Hop/Rap" and a "rap" tag, not "trap"
 * unless asked); artists match whole words of the credit ("Drake" rules out "Drake & Future").
 */
import type { MoodFilters } from '../core/types.ts';

/**
 * The escaped text with no letter or digit either side: a case-insensitive whole-word pattern. Lookarounds,
 * not \m and \M, since those need a word character at the edge and "R.E.M." ends with a dot.
 */
export function wordPattern(text: string): string {
  const escaped = text
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    // "post punk" as typed finds "post-punk" as tagged, and the other way round.
    .replace(/[\s-]+/g, '[\\s-]+');
  return `(?<![[:alnum:]])${escaped}(?![[:alnum:]])`;
}

const patterns = (words: readonly string[] | undefined): string[] =>
  (words ?? []).filter((w) => w.trim() !== '').map(wordPattern);

/** Appends the filters' values to `params` and returns one condition per filter (ANDed by the caller). */
export function songFilterConditions(filters: MoodFilters | undefined, params: unknown[]): string[] {
  const conditions: string[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filters?.yearFrom !== undefined) conditions.push(`s.year >= ${bind(filters.yearFrom)}`);
  if (filters?.yearTo !== undefined) conditions.push(`s.year <= ${bind(filters.yearTo)}`);
  const carries = (p: string) =>
    `(coalesce(s.genre, '') ~* ANY(${p}::text[]) OR EXISTS (SELECT 1 FROM unnest(s.tags) AS tag WHERE tag ~* ANY(${p}::text[])))`;
  const exclude = patterns(filters?.excludeTerms);
  if (exclude.length > 0) conditions.push(`NOT ${carries(bind(exclude))}`);
  const require = patterns(filters?.requireTerms);
  if (require.length > 0) conditions.push(carries(bind(require)));
  const artists = patterns(filters?.excludeArtists);
  if (artists.length > 0) conditions.push(`NOT (coalesce(s.artist, '') ~* ANY(${bind(artists)}::text[]))`);
  return conditions;
}
