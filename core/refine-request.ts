/**
 * How a refinement ("no rap, more 90s, calmer": refinement.ts) changes a request. Negated genres, tags and
 * artists and decades become hard filters the database applies, so no song that breaks one can be picked;
 * "more/less X" moves the query vector toward or away from X's embedding; what is left is added to the
 * mood's text. Applied here, in code, rather than asked of a model: a filter holds every time.
 */

import { ellipsize } from './normalize.ts';
import type { Embedder, Vector } from './ports.ts';
import { type Refinement, refinementLabels } from './refinement.ts';
import type { MoodFilters, MoodRequest } from './types.ts';
import { normalizeInPlace } from './vectors.ts';

/** How far one "more/less X" moves the query, against the mood's weight of 1. */
export const SHIFT_WEIGHT = 0.3;

/** The request with the refinement's text and filters in it (the shifts are applied to the vector). */
export function refinedRequest(request: MoodRequest): MoodRequest {
  const r = request.refinement;
  if (!r) return request;
  const filters: MoodFilters = {
    ...request.filters,
    ...narrowYears(request.filters, r),
    ...(r.excludeTerms.length > 0 ? { excludeTerms: r.excludeTerms } : {}),
    ...(r.requireTerms.length > 0 ? { requireTerms: r.requireTerms } : {}),
    ...(r.excludeArtists.length > 0 ? { excludeArtists: r.excludeArtists } : {}),
  };
  return { ...request, text: r.text ? `${request.text} ${r.text}` : request.text, filters };
}

/** The tighter of the request's and the refinement's year bounds. */
function narrowYears(filters: MoodFilters | undefined, r: Refinement): MoodFilters {
  const from = [filters?.yearFrom, r.yearFrom].filter((y): y is number => y !== undefined);
  const to = [filters?.yearTo, r.yearTo].filter((y): y is number => y !== undefined);
  return {
    ...(from.length > 0 ? { yearFrom: Math.max(...from) } : {}),
    ...(to.length > 0 ? { yearTo: Math.min(...to) } : {}),
  };
}

/** The query moved toward (or away from) each shift's text, renormalised; unchanged without shifts. */
export async function shiftedQuery(
  query: Vector,
  refinement: Refinement | undefined,
  embedder: Embedder,
): Promise<Vector> {
  const shifts = refinement?.shifts ?? [];
  if (shifts.length === 0) return query;
  const vectors = await embedder.embed(
    shifts.map((s) => s.text),
    'query',
  );
  const out = Float32Array.from(query);
  shifts.forEach((shift, i) => {
    const v = vectors[i];
    if (!v) return;
    for (let d = 0; d < out.length; d++)
      out[d] = (out[d] ?? 0) + shift.direction * SHIFT_WEIGHT * (v[d] ?? 0);
  });
  return normalizeInPlace(out);
}

/**
 * What the refinement did, for the playlist's description: the applied constraints ("no rap · 1990–1999 ·
 * calmer"), then what the catalog cannot tell ("the catalog cannot tell singers' gender"), never left unsaid.
 */
export function refinementNote(refinement: Refinement | undefined): string | undefined {
  if (!refinement) return undefined;
  const parts = [
    ...refinementLabels(refinement),
    ...refinement.unsupported.map((ask) => `the catalog cannot tell ${ask}`),
  ];
  // Bounded: a playlist refined twenty times must still fit its description (and its stored context).
  const note = parts.join(' · ');
  return note === '' ? undefined : ellipsize(note, 400);
}
