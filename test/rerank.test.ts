import { describe, expect, it } from 'vitest';
import { rerank } from '../core/rerank.ts';
import type { Candidate } from '../core/types.ts';

const song = (id: string, name: string, artist: string, similarity: number, popularity = 0): Candidate => ({
  id,
  name,
  artist,
  year: null,
  genre: null,
  tags: [],
  popularity,
  similarity,
});

const pool = [
  song('1', 'Yellow', 'Coldplay', 0.9),
  song('2', 'Fix You', 'Coldplay', 0.89),
  song('3', 'The Scientist', 'Coldplay', 0.88),
  song('4', 'Yellow - Remastered 2011', 'Coldplay feat. Nobody', 0.87),
  song('5', 'Creep', 'Radiohead', 0.86),
  song('6', 'Hurt', 'Johnny Cash', 0.7, 1_000_000),
  song('7', 'Mad World', 'Gary Jules', 0.85),
];

describe('rerank', () => {
  it('keeps at most N songs per artist, counting "feat." credits as the same artist', () => {
    const picked = rerank(pool, { size: 10, maxPerArtist: 2, popularityWeight: 0 });
    expect(picked.filter((p) => p.artist?.startsWith('Coldplay'))).toHaveLength(2);
  });

  it('never lists the same song twice under a version suffix', () => {
    const picked = rerank(pool, { size: 10, maxPerArtist: 5, popularityWeight: 0 });
    expect(picked.map((p) => p.id)).not.toContain('4');
    expect(picked.map((p) => p.id)).toContain('1');
  });

  it('orders by similarity alone when popularity has no weight, and lets popularity lift a song when it has', () => {
    const bySimilarity = rerank(pool, { size: 3, maxPerArtist: 1, popularityWeight: 0 }).map((p) => p.id);
    expect(bySimilarity).toEqual(['1', '5', '7']);
    const withPopularity = rerank(pool, { size: 3, maxPerArtist: 1, popularityWeight: 0.6 }).map((p) => p.id);
    expect(withPopularity[0]).toBe('6');
  });

  it('is deterministic without a seed whatever the input order, and a seed gives a different but repeatable take', () => {
    const options = { size: 4, maxPerArtist: 2, popularityWeight: 0.1 };
    const a = rerank(pool, options).map((p) => p.id);
    expect(rerank([...pool].reverse(), options).map((p) => p.id)).toEqual(a);
    const many = Array.from({ length: 40 }, (_, i) =>
      song(String(100 + i), `Song ${i}`, `Artist ${i}`, 0.8 - i * 0.001),
    );
    const plain = rerank(many, { ...options, size: 10 }).map((p) => p.id);
    const take = rerank(many, { ...options, size: 10, seed: 7 }).map((p) => p.id);
    expect(take).not.toEqual(plain);
    expect(rerank(many, { ...options, size: 10, seed: 7 }).map((p) => p.id)).toEqual(take);
  });

  it('returns fewer songs than asked when the pool runs out, and nothing for an empty pool', () => {
    // Four distinct artists once "feat." credits are folded: Coldplay, Radiohead, Johnny Cash, Gary Jules.
    expect(rerank(pool, { size: 50, maxPerArtist: 1, popularityWeight: 0 })).toHaveLength(4);
    expect(rerank([], { size: 5, maxPerArtist: 1, popularityWeight: 0 })).toEqual([]);
  });

  it('shows one version of a song and never an intro, interlude, skit or outro', () => {
    const versions = [
      song('a', 'Song', 'Band', 0.99),
      song('b', 'Song - Remastered 2011', 'Band', 0.98),
      song('c', 'Song (Live)', 'Band', 0.97),
      song('d', 'Song - Radio Edit', 'Band', 0.96),
      song('e', 'Intro', 'Rapper', 0.95),
      song('f', 'Interlude', 'Rapper', 0.94),
      song('g', 'Intro (Skit)', 'Rapper', 0.93),
      song('h', 'Outro', 'Other', 0.92),
      song('i', 'Introduction to the Blues', 'Other', 0.91),
      song('j', 'Other Song', 'Band', 0.9),
    ];
    const picked = rerank(versions, { size: 10, maxPerArtist: 5, popularityWeight: 0 }).map((p) => p.name);
    expect(picked).toEqual(['Song', 'Introduction to the Blues', 'Other Song']);
  });
});
