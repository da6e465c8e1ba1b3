/**
 * What a refinement says back to the user: the labels of what was applied ("only rock · no rap · 1990–1999 ·
 * calmer"), each genre group once by its name, and whether a refinement applies anything at all. Apart from
 * the parser because it reads a finished refinement, never the typed text; refine-request.ts joins these
 * labels into the playlist's description note.
 */
import type { Refinement } from './refinement-schema.ts';
import { CALMING, COMPARATIVE_OF, GROUP } from './refinement-vocabulary.ts';

/** Each group of terms once, by its name: "rap" for rap, hip hop, hip-hop, hiphop and trap. */
function genreNames(terms: readonly string[]): string[] {
  const covered = new Set<string>();
  return terms.filter((t) => !covered.has(t) && (GROUP.get(t) ?? [t]).every((x) => covered.add(x)));
}

/** What was applied, in a stable order: only, no genres, no artists, years, shifts, then the added text. */
export function refinementLabels(r: Refinement): string[] {
  const only = genreNames(r.requireTerms);
  const { yearFrom: from, yearTo: to } = r;
  const labels = [
    only.length > 1 ? `only ${only.slice(0, -1).join(', ')} or ${only.at(-1)}` : only.map((g) => `only ${g}`),
    genreNames(r.excludeTerms).map((g) => `no ${g}`),
    r.excludeArtists.map((a) => `no ${a}`),
    from !== undefined && to !== undefined ? (from === to ? `${from}` : `${from}–${to}`) : [],
    from !== undefined && to === undefined ? `from ${from}` : [],
    to !== undefined && from === undefined ? `before ${to + 1}` : [],
    r.shifts.map(({ text, direction }) =>
      direction < 0
        ? CALMING.has(text.toLowerCase())
          ? 'calmer'
          : `less ${text}`
        : (COMPARATIVE_OF.get(text.toLowerCase()) ?? `more ${text}`),
    ),
    r.text ? `“${r.text}”` : [],
  ].flat();
  return [...new Set(labels)];
}

/** True when the refinement constrains nothing and adds no text: nothing to apply (asks it could not are not). */
export function isEmptyRefinement(r: Refinement): boolean {
  const lists = [r.excludeTerms, r.requireTerms, r.excludeArtists, r.shifts];
  return (
    lists.every((l) => l.length === 0) && r.yearFrom === undefined && r.yearTo === undefined && r.text === ''
  );
}
