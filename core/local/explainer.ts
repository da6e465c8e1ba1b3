/**
 * "Why this song": the song's own catalog words (tags, genre, title words) closest to the mood in the
 * word-vector space. It names only words the catalog really holds, so it cannot invent a reason.
 */
import type { ExplainableSong, Explainer } from '../ports.ts';
import type { LocalEmbedder } from './embedder.ts';

const MIN_SIMILARITY = 0.35;
const MIN_WORD_WEIGHT = 0.35;

export class LocalExplainer implements Explainer {
  constructor(private readonly embedder: LocalEmbedder) {}

  explain(mood: string, songs: readonly ExplainableSong[]): string[] {
    const moodVector = this.embedder.vectorOf(this.embedder.words(mood));
    return songs.map((song) => {
      if (!moodVector) return 'close to the mood overall';
      const tagWords = [...song.tags, ...(song.genre ? [song.genre] : [])];
      const titleWords = this.embedder.words(song.name).filter((w) => w.weight >= MIN_WORD_WEIGHT);
      const scored = [
        ...tagWords.flatMap((tag) => {
          const words = this.embedder.words(tag);
          const v = this.embedder.vectorOf(words);
          return v ? [{ label: tag, similarity: dot(v, moodVector), from: 'tag' as const }] : [];
        }),
        ...titleWords.map((w) => ({
          label: w.word,
          similarity: this.embedder.vectors.similarity(w.rank, moodVector),
          from: 'title' as const,
        })),
      ]
        .filter((s) => s.similarity >= MIN_SIMILARITY)
        .sort((a, b) => b.similarity - a.similarity);
      const seen = new Set<string>();
      const top = scored.filter((s) => !seen.has(s.label) && seen.add(s.label)).slice(0, 3);
      if (top.length === 0) return 'close to the mood overall';
      const tags = top.filter((s) => s.from === 'tag').map((s) => s.label);
      const title = top.filter((s) => s.from === 'title').map((s) => `“${s.label}”`);
      return [tags.length > 0 ? tags.join(', ') : '', title.length > 0 ? `title: ${title.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
    });
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
