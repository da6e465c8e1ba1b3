/**
 * Reciprocal-rank fusion (Cormack, Clarke & Büttcher, 2009) of the candidate lists hybrid retrieval
 * gathers: the vector search, the lexical match on the songs' own words, and the catalog songs a chat
 * model named for the mood. Ranks, not scores, are fused: a cosine similarity and a ts_rank are on
 * scales nothing relates, while "first in its list" means the same in each.
 */
import type { Candidate, SongId } from './types.ts';

export interface RankedList {
  /** Best first. */
  readonly candidates: readonly Candidate[];
  /** How much a place in this list counts; the vector search's weight is 1. */
  readonly weight: number;
}

/** A candidate with its fused relevance, which the re-rank orders by in place of similarity. */
export interface FusedCandidate extends Candidate {
  readonly relevance: number;
}

/**
 * Σ weight / (k + rank) over the lists a song is in (rank from 1). A larger `k` flattens the lists'
 * heads, so being in two lists counts for more than being first in one.
 */
export function fuse(lists: readonly RankedList[], k: number): FusedCandidate[] {
  const fused = new Map<SongId, { candidate: Candidate; relevance: number }>();
  for (const { candidates, weight } of lists) {
    if (weight <= 0) continue;
    candidates.forEach((candidate, i) => {
      const entry = fused.get(candidate.id);
      const share = weight / (k + i + 1);
      // The first list to hold a song (the vector search's, when it has it) supplies its similarity.
      if (entry) entry.relevance += share;
      else fused.set(candidate.id, { candidate, relevance: share });
    });
  }
  return [...fused.values()]
    .map(({ candidate, relevance }) => ({ ...candidate, relevance }))
    .sort((a, b) => b.relevance - a.relevance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
