/**
 * Hybrid retrieval: the candidates of one request. The vector search and the lexical match of the request's
 * words run side by side; with the songs a chat model named (grounded HyDE), the lists are fused by
 * reciprocal rank (fusion.ts) before the re-rank. With the vector search alone there is nothing to fuse.
 */
import { MoodError, MoodErrorCode } from './errors.ts';
import { fuse, type RankedList } from './fusion.ts';
import type { SongIndex, Vector } from './ports.ts';
import type { RerankCandidate } from './rerank.ts';
import type { Candidate, MoodRequest, StageTimings } from './types.ts';

export interface RetrievalOptions {
  readonly candidatePool: number;
  /** Weight of the lexical match in the rank fusion (the vector search's is 1); 0 turns it off. */
  readonly lexicalWeight: number;
  readonly lexicalLimit: number;
  /** Reciprocal-rank fusion's k. */
  readonly fusionK: number;
  readonly suggestionWeight: number;
}

/** Runs one stage of a request and records how long it took. */
export type Timed = <T>(stage: keyof StageTimings, work: () => Promise<T>) => Promise<T>;

export interface Retrieval {
  readonly query: Vector;
  readonly request: Pick<MoodRequest, 'size' | 'filters' | 'excludeSongIds'>;
  /** Word groups for the lexical match (request-plan.ts); none skips it. */
  readonly lexicalGroups: readonly (readonly string[])[];
  /** The catalog songs a chat model named for this request. */
  readonly suggested: readonly Candidate[];
}

/** The fused candidates; a `MoodError` when nothing is found (an empty catalog, or filters nothing passes). */
export async function retrieve(
  index: SongIndex,
  { query, request, lexicalGroups, suggested }: Retrieval,
  options: RetrievalOptions,
  timed: Timed,
): Promise<readonly RerankCandidate[]> {
  const lexical =
    index.lexicalSearch && options.lexicalWeight > 0 && options.lexicalLimit > 0 && lexicalGroups.length > 0
      ? index.lexicalSearch.bind(index)
      : undefined;
  const [vectorHits, lexicalHits] = await Promise.all([
    timed('search', () =>
      index.search(query, {
        limit: Math.max(options.candidatePool, request.size * 4),
        filters: request.filters,
        excludeSongIds: request.excludeSongIds,
      }),
    ),
    lexical
      ? timed('lexical', () =>
          lexical(query, {
            groups: lexicalGroups,
            limit: options.lexicalLimit,
            filters: request.filters,
            excludeSongIds: request.excludeSongIds,
          }),
        )
      : Promise.resolve([] as Candidate[]),
  ]);
  const lists: RankedList[] = [
    { candidates: vectorHits, weight: 1 },
    { candidates: lexicalHits, weight: options.lexicalWeight },
    { candidates: suggested, weight: options.suggestionWeight },
  ].filter((list) => list.candidates.length > 0);
  // With the vector search alone there is nothing to fuse: its similarities say more than its ranks.
  const candidates: readonly RerankCandidate[] =
    lists.length > 1 ? fuse(lists, options.fusionK) : (lists[0]?.candidates ?? []);
  if (candidates.length === 0) {
    // Any filter that can rule a song out: years, or a refinement's genres, tags and artists.
    const filtered = Object.values(request.filters ?? {}).some(
      (value) => value !== undefined && (!Array.isArray(value) || value.length > 0),
    );
    throw filtered
      ? new MoodError(MoodErrorCode.NoMatches, 'No song passes the filters')
      : new MoodError(MoodErrorCode.CatalogEmpty, 'The catalog has no songs');
  }
  return candidates;
}
