/**
 * The offline default embedder: a smooth-inverse-frequency (SIF) weighted average of GloVe word vectors
 * (Arora et al., 2017). Frequent words ("the", "and") weigh almost nothing; rare, meaningful ones carry
 * the sentence. Word frequencies come from the vocabulary's rank order (Zipf's law), so no corpus is needed.
 */
import { MoodError, MoodErrorCode } from '../errors.ts';
import type { Embedder, EmbedMode, Vector } from '../ports.ts';
import { tokenize } from './tokenize.ts';
import type { WordVectors } from './word-vectors.ts';

/** SIF's smoothing constant: words rarer than ~a of the corpus keep most of their weight. */
const SIF_A = 1e-3;

export interface WeightedWord {
  readonly word: string;
  readonly rank: number;
  readonly weight: number;
}

export class LocalEmbedder implements Embedder {
  readonly model = 'local:glove-sif-100';
  readonly dimensions: number;
  readonly #harmonic: number;

  constructor(readonly vectors: WordVectors) {
    this.dimensions = vectors.dims;
    // Zipf: p(rank r) ≈ 1 / ((r + 1) · H_N), H_N ≈ ln N + γ.
    this.#harmonic = Math.log(vectors.size) + 0.5772;
  }

  /** SIF weight of the word with this frequency rank, in (0, 1). */
  weight(rank: number): number {
    const p = 1 / ((rank + 1) * this.#harmonic);
    return SIF_A / (SIF_A + p);
  }

  /** The known words of a text with their SIF weights; unknown words (typos, other scripts) are skipped. */
  words(text: string): WeightedWord[] {
    const out: WeightedWord[] = [];
    for (const token of tokenize(text)) {
      const candidates = token.includes('-') ? [token, ...token.split('-')] : [token];
      for (const candidate of candidates) {
        const rank = this.vectors.rank(candidate);
        if (rank !== undefined) {
          out.push({ word: candidate, rank, weight: this.weight(rank) });
          break;
        }
      }
    }
    return out;
  }

  /** The SIF sentence vector of weighted words, unit length, or undefined when none is known. */
  vectorOf(words: readonly WeightedWord[]): Vector | undefined {
    if (words.length === 0) return undefined;
    const v = new Float32Array(this.dimensions);
    for (const w of words) this.vectors.addTo(v, w.rank, w.weight);
    return normalize(v);
  }

  async embed(texts: readonly string[], mode: EmbedMode): Promise<Vector[]> {
    return texts.map((text) => {
      const v = this.vectorOf(this.words(text));
      if (v) return v;
      if (mode === 'query') {
        throw new MoodError(MoodErrorCode.MoodNotUnderstood, 'No known words in the mood text');
      }
      // A document with no known word (e.g. a title in another script) still needs a valid vector:
      // a fixed direction far from any query keeps it out of results rather than failing the batch.
      const fallback = new Float32Array(this.dimensions);
      fallback[0] = 1;
      return fallback;
    });
  }
}

export function normalize(v: Float32Array): Float32Array | undefined {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return undefined;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
