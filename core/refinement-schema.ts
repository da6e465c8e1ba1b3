/**
 * The shape of a refinement (refinement.ts reads one from a follow-up, refinement-labels.ts says it back) and
 * the bounds that hold it there: the zod schema a stored refinement is checked against, the mutable draft the
 * parser and the merge fill, and `finish`, which de-duplicates, clips and bounds a draft into a refinement the
 * schema accepts. Kept apart so the parser, the merge and the labels share one definition of what a
 * refinement may hold without importing each other.
 */
import { z } from 'zod';

const MAX_ITEMS = 20;
const MAX_CHARS = 100;
const phrase = z.string().min(1).max(MAX_CHARS);
const phrases = z.array(phrase).max(MAX_ITEMS).readonly();
const year = z.number().int().min(1900).max(2100);

export const RefinementSchema = z
  .object({
    /** Genres/tags a song must not carry: lower-case catalog words, synonyms expanded ("rap" → hip hop, trap…). */
    excludeTerms: phrases,
    /** Genres/tags a song must carry one of ("only rock"), expanded the same way. */
    requireTerms: phrases,
    /** Artists to leave out, as the user typed them ("Drake", "The Beatles"). */
    excludeArtists: phrases,
    /** Inclusive year bounds: decades ("90s", "nineties", "from the 80s"), "before 2000", "after 2010". */
    yearFrom: year.optional(),
    yearTo: year.optional(),
    /** Moves of the query toward (1) or away from (−1) a short text: "less upbeat", "calmer", "more pop". */
    shifts: z
      .array(z.object({ text: phrase, direction: z.union([z.literal(1), z.literal(-1)]) }).readonly())
      .max(MAX_ITEMS)
      .readonly(),
    /** What is left once the constraints are taken out, blended with the mood as text (may be ""). */
    text: z.string().max(MAX_CHARS),
    /** Asks the catalog cannot answer, as short phrases: "singers' gender". */
    unsupported: phrases,
  })
  .refine(
    (r) => r.yearFrom === undefined || r.yearTo === undefined || r.yearFrom <= r.yearTo,
    'years reversed',
  )
  .readonly();
export type Refinement = z.infer<typeof RefinementSchema>;
export type Draft = {
  -readonly [K in keyof Refinement]: Refinement[K] extends readonly (infer T)[] ? T[] : Refinement[K];
};
export type Years = Pick<Refinement, 'yearFrom' | 'yearTo'>;

/** At most `max` UTF-16 units, never splitting a character; `fromEnd` keeps the last whole words. */
export function clip(text: string, max = MAX_CHARS, fromEnd = false): string {
  let t = text.trim();
  while (fromEnd && t.length > max) t = t.replace(/^\S+\s*/u, '');
  let out = '';
  for (const ch of t) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out.trim();
}

/** The later bound wins; when the two no longer overlap, only the later ones hold. */
export function narrowYears(earlier: Years, later: Years): Years {
  const [from, to] = [later.yearFrom ?? earlier.yearFrom, later.yearTo ?? earlier.yearTo];
  const reversed = from !== undefined && to !== undefined && from > to;
  return reversed ? { yearFrom: later.yearFrom, yearTo: later.yearTo } : { yearFrom: from, yearTo: to };
}

/** De-duplicated (any case), clipped and bounded; with `newest`, a list over its bound keeps its latest items. */
export function finish(d: Draft, newest: boolean): Refinement {
  const bound = <T>(list: readonly T[], id: (x: T) => string): T[] => {
    const seen = new Set<string>();
    const unique = list.filter((x) => !seen.has(id(x).toLowerCase()) && !!seen.add(id(x).toLowerCase()));
    return newest ? unique.slice(-MAX_ITEMS) : unique.slice(0, MAX_ITEMS);
  };
  const texts = (list: readonly string[]) => bound(list.map((s) => clip(s)).filter(Boolean), (s) => s);
  const year = (y: number | undefined) => (y === undefined ? undefined : Math.min(2100, Math.max(1900, y)));
  const [from, to] = [year(d.yearFrom), year(d.yearTo)];
  const shifts = d.shifts.map((s) => ({ text: clip(s.text), direction: s.direction })).filter((s) => s.text);
  return {
    excludeTerms: texts(d.excludeTerms),
    requireTerms: texts(d.requireTerms),
    excludeArtists: texts(d.excludeArtists),
    ...(from !== undefined && (to === undefined || from <= to) ? { yearFrom: from } : {}),
    ...(to !== undefined ? { yearTo: to } : {}),
    shifts: bound(shifts, (s) => s.text),
    text: clip(d.text, MAX_CHARS, newest),
    unsupported: texts(d.unsupported),
  };
}
