/** A candidate song as the search queries select it, and as the core takes it. */
import type { Candidate } from '../core/types.ts';

/** The columns both searches select (db/song-index.ts, db/lexical-search.ts); numerics may arrive as text. */
export interface CandidateRow extends Record<string, unknown> {
  id: string;
  name: string;
  artist: string | null;
  year: number | null;
  genre: string | null;
  tags: string[];
  popularity: number | string;
  similarity: number | string;
}

export const toCandidate = (r: CandidateRow): Candidate => ({
  id: r.id,
  name: r.name,
  artist: r.artist,
  year: r.year,
  genre: r.genre,
  tags: r.tags,
  popularity: Number(r.popularity),
  similarity: Number(r.similarity),
});
