/**
 * Grounded HyDE, for catalogs that know songs only by name and artist (99 % of the Kaggle catalog): rather
 * than inventing lyrics no song in the catalog has, the chat model names real songs that fit the mood; the
 * ones the catalog holds — found by the lyrics matcher's normalised title + artist key — lend their vectors
 * as an extra query vector and join the candidate pool themselves. A suggestion the catalog lacks (an
 * obscure song, or one the model made up) simply finds nothing.
 */
import { matchKey } from './normalize.ts';
import type { KeyedSong, SongIndex, Vector, Writer } from './ports.ts';
import type { Candidate, MoodRequest } from './types.ts';

export interface GroundedResult {
  /** The normalised mean of the found songs' vectors, or undefined when none was found. */
  readonly vector: Vector | undefined;
  /** The found songs in the order the model named them, those the request excludes left out. */
  readonly candidates: readonly Candidate[];
  readonly suggested: number;
  readonly found: number;
}

export async function suggestedSongs(
  writer: Required<Pick<Writer, 'suggestSongs'>>,
  index: Required<Pick<SongIndex, 'songsByKey'>>,
  request: MoodRequest,
  moodVector: Promise<Vector>,
  max: number,
  timed: <T>(stage: 'hyde' | 'resolveSongs', work: () => Promise<T>) => Promise<T>,
): Promise<GroundedResult> {
  const suggestions = await timed('hyde', () => writer.suggestSongs(request.text, max));
  const keys = [...new Set(suggestions.map((s) => matchKey(s.title, s.artist)))];
  if (keys.length === 0) return { vector: undefined, candidates: [], suggested: 0, found: 0 };
  const vector = await moodVector;
  const found = await timed('resolveSongs', () => index.songsByKey(keys, vector));
  const byKey = new Map<string, KeyedSong>(found.map((f) => [f.key, f]));
  const ordered = keys.flatMap((k) => byKey.get(k) ?? []);
  const excluded = new Set(request.excludeSongIds ?? []);
  const { yearFrom, yearTo } = request.filters ?? {};
  const allowed = ordered.filter(
    ({ candidate: c }) =>
      !excluded.has(c.id) &&
      (yearFrom === undefined || (c.year !== null && c.year >= yearFrom)) &&
      (yearTo === undefined || (c.year !== null && c.year <= yearTo)),
  );
  return {
    vector: centroid(ordered.map((f) => f.vector)),
    candidates: allowed.map((f) => f.candidate),
    suggested: keys.length,
    found: ordered.length,
  };
}

/** The normalised mean of vectors, or undefined for none. */
export function centroid(vectors: readonly Vector[]): Vector | undefined {
  const [head] = vectors;
  if (!head) return undefined;
  const sum = new Float32Array(head.length);
  for (const v of vectors) for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) + (v[i] ?? 0);
  let norm = 0;
  for (const x of sum) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) / norm;
  return sum;
}
