/**
 * Re-ranking of the retrieved candidates: relevance (the fused rank score of hybrid retrieval, or the
 * cosine similarity when only the vector search found anything) blended with popularity, at most N songs per artist,
 * no duplicate song names (remasters, live versions), no intros or skits, and a seeded shuffle for "Another take".
 * Pure and deterministic: the same candidates, options and seed give the same playlist.
 */
import { normalizeArtist, normalizeTitle } from './normalize.ts';
import type { Candidate } from './types.ts';

export interface RerankOptions {
  readonly size: number;
  readonly maxPerArtist: number;
  /** 0 = similarity only, 1 = popularity only. */
  readonly popularityWeight: number;
  /** When set, scores get seeded noise so a new take draws different songs from the same pool. */
  readonly seed?: number;
  /** Score taken off these songs (the group's net 👎, feedback.ts), in the score's 0–1 units. */
  readonly demote?: ReadonlyMap<string, number>;
}

export interface Ranked extends Candidate {
  readonly score: number;
}

/** Album glue, not songs: an intro or a skit is never what a mood asks for ("Intro (Skit)" → "intro"). */
const FILLER = /^(?:\d+\s+)?(?:intro|interlude|outro|skit|prelude|reprise|segue|interval)(?:\s+\d+)?$/;

/** How far "Another take" may move a song: about a fifth of the pool's score range. */
const TAKE_NOISE = 0.2;

/** A candidate, with the fused relevance when hybrid retrieval fused several lists (core/fusion.ts). */
export type RerankCandidate = Candidate & { readonly relevance?: number };

export function rerank(candidates: readonly RerankCandidate[], options: RerankOptions): Ranked[] {
  if (candidates.length === 0) return [];
  const sims = candidates.map(relevanceOf);
  const minSim = Math.min(...sims);
  const simRange = Math.max(...sims) - minSim || 1;
  // Popularity is heavy-tailed (a few songs have millions of plays): compare on a log scale.
  const maxPop = Math.log1p(Math.max(0, ...candidates.map((c) => c.popularity))) || 1;
  const random = options.seed === undefined ? undefined : mulberry32(options.seed);
  const w = options.popularityWeight;

  const scored = candidates.map((candidate) => {
    // The relevance is the re-rank's input, not part of the ranked song.
    const { relevance, ...c } = candidate;
    const signal = relevance ?? c.similarity;
    const base =
      (1 - w) * ((signal - minSim) / simRange) + (w * Math.log1p(Math.max(0, c.popularity))) / maxPop;
    const kept = base - (options.demote?.get(c.id) ?? 0);
    return { ...c, score: random ? kept + TAKE_NOISE * random() : kept };
  });
  // Ties broken by id so the order never depends on the database's row order.
  scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const perArtist = new Map<string, number>();
  const titles = new Set<string>();
  const picked: Ranked[] = [];
  for (const c of scored) {
    if (picked.length >= options.size) break;
    const artist = normalizeArtist(c.artist);
    const title = normalizeTitle(c.name);
    if (titles.has(title) || FILLER.test(title)) continue;
    const count = perArtist.get(artist) ?? 0;
    if (artist !== '' && count >= options.maxPerArtist) continue;
    perArtist.set(artist, count + 1);
    titles.add(title);
    picked.push(c);
  }
  return picked;
}

function relevanceOf(c: RerankCandidate): number {
  return c.relevance ?? c.similarity;
}

/** A small, fast, seeded PRNG (public domain) returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
