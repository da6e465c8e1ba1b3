/** Reciprocal-rank fusion of hybrid retrieval's lists, and the re-rank ordering by the fused relevance. */
import { describe, expect, it } from 'vitest';
import { fuse } from '../core/fusion.ts';
import { rerank } from '../core/rerank.ts';
import type { Candidate } from '../core/types.ts';

const song = (id: string, similarity: number, popularity = 10): Candidate => ({
  id,
  name: `Song ${id}`,
  artist: `Artist ${id}`,
  year: 2000,
  genre: null,
  tags: [],
  popularity,
  similarity,
});

describe('fuse', () => {
  it('puts a song both lists found above songs only one list found, whatever their similarities', () => {
    const vector = [song('a', 0.9), song('b', 0.8), song('c', 0.7)];
    const lexical = [song('c', 0.7), song('d', 0.2)];
    const fused = fuse(
      [
        { candidates: vector, weight: 1 },
        { candidates: lexical, weight: 1 },
      ],
      60,
    );
    // b (second in one list) and d (second in the other) tie: by id.
    expect(fused.map((c) => c.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(fused.find((c) => c.id === 'c')?.relevance).toBeCloseTo(1 / 63 + 1 / 61, 10);
    // A lexical-only song keeps the similarity its list measured.
    expect(fused.find((c) => c.id === 'd')?.similarity).toBe(0.2);
  });

  it('weighs the lists: weight 0 leaves a list out, a heavier list leads', () => {
    const vector = [song('a', 0.9), song('b', 0.8)];
    const lexical = [song('b', 0.8), song('z', 0.1)];
    expect(
      fuse(
        [
          { candidates: vector, weight: 1 },
          { candidates: lexical, weight: 0 },
        ],
        60,
      ).map((c) => c.id),
    ).toEqual(['a', 'b']);
    expect(
      fuse(
        [
          { candidates: vector, weight: 1 },
          { candidates: lexical, weight: 3 },
        ],
        60,
      )[0]?.id,
    ).toBe('b');
  });
});

describe('rerank by fused relevance', () => {
  it('orders by relevance when there is one, by similarity otherwise, and never returns it on a track', () => {
    const candidates = [
      { ...song('a', 0.9), relevance: 0.01 },
      { ...song('b', 0.2), relevance: 0.03 },
    ];
    const ranked = rerank(candidates, { size: 2, maxPerArtist: 2, popularityWeight: 0 });
    expect(ranked.map((c) => c.id)).toEqual(['b', 'a']);
    expect(ranked[0]).not.toHaveProperty('relevance');
    expect(
      rerank([song('a', 0.9), song('b', 0.2)], { size: 2, maxPerArtist: 2, popularityWeight: 0 })[0]?.id,
    ).toBe('a');
  });
});
