/**
 * Where a text sits among the moods of the lexicon: a small, explicit mood distribution that the local
 * embedder appends to the word-vector average, and that the "why" reads back.
 *
 * How a word leans:
 * - a word the lexicon lists is direct evidence for its mood(s): feeling words anywhere; sound words and
 *   situations ("coffee", "traffic") only in a request;
 * - any other word goes through a small classifier learned at start-up from the lexicon's words: a
 *   multinomial logistic regression on their GloVe vectors, with a "no mood" class of ordinary vocabulary
 *   words. It generalises from the lexicon to the rest of the vocabulary ("misty", "metallica", "coltrane")
 *   and learns what tells moods apart rather than what they share: raw cosine similarity to each mood's
 *   words puts heartbreak second for "happy" (after joy), since GloVe puts opposites that occur in
 *   the same contexts side by side. On the development half, songs ranked by the classifier's profile
 *   alone reached precision@10 0.60 for an ideal one-mood request, against 0.43 with cosine scores.
 * A text's leaning is the SIF-weighted mean of its content words' scores, sharpened by a softmax.
 */
import type { EmbedMode } from '../ports.ts';
import type { WeightedWord } from './embedder.ts';
import {
  loadMoodClassifier,
  type MoodClassifier,
  trainMoodClassifier,
  unitVector,
} from './mood-classifier.ts';
import { MOODS, type Mood } from './mood-lexicon.ts';
import type { WordVectors } from './word-vectors.ts';

/** Softmax temperature on word scores: low enough that one clear mood word decides a short title. */
const TEMPERATURE = 0.15;
/** Words below this SIF weight ("by", "the", "with") are function words and carry no mood. */
const CONTENT_WEIGHT = 0.5;
/** A lexicon word's score for its own mood(s), on the classifier's logit scale. */
const LEXICON_EVIDENCE = 2;

export interface MoodLeaning {
  readonly mood: Mood;
  /** Share of the text's mood distribution, in [0, 1]. */
  readonly weight: number;
}

export class MoodSpace {
  readonly moods = MOODS;
  readonly #vectors: WordVectors;
  /** Classifier weights, `(moods + 1) × dims`, the last row the "no mood" class; and biases. */
  readonly #weights: Float64Array;
  readonly #bias: Float64Array;
  /**
   * Words taken as direct evidence, → the moods they name. In a song's text only feeling words: a title's
   * genre word is no sign of its mood ("Roadhouse Blues" is not a sad song; treating "blues" as direct
   * evidence there cost 0.05 precision@10 on the development half). In a request, sound words and
   * situations too: someone asking for "blues" or "coffee" music is saying what they want.
   */
  readonly #documentWords = new Map<string, number[]>();
  readonly #requestWords = new Map<string, number[]>();
  /**
   * Classifier scores by vocabulary rank, filled on first use: each word is scored once per process, and the
   * memory is bounded by the vocabulary (341K × 16 × 4 bytes), not by the catalog.
   */
  readonly #scores: Float32Array;
  readonly #scored: Uint8Array;

  /** Trains the classifier unless given the one `MoodSpace.load` cached for these same training examples. */
  constructor(vectors: WordVectors, classifier?: MoodClassifier) {
    this.#vectors = vectors;
    this.#scores = new Float32Array(vectors.size * MOODS.length);
    this.#scored = new Uint8Array(vectors.size);
    const add = (into: Map<string, number[]>, words: string, k: number) => {
      for (const word of words.split(' ')) into.set(word, [...(into.get(word) ?? []), k]);
    };
    MOODS.forEach((mood, k) => {
      add(this.#documentWords, mood.feel, k);
      add(this.#requestWords, `${mood.feel} ${mood.sound} ${mood.cues}`, k);
    });
    ({ weights: this.#weights, bias: this.#bias } = classifier ?? trainMoodClassifier(vectors));
  }

  /** The mood space with its classifier read from `cacheDir`, or trained and cached there first. */
  static async load(vectors: WordVectors, cacheDir: string): Promise<MoodSpace> {
    return new MoodSpace(vectors, await loadMoodClassifier(vectors, cacheDir));
  }

  get size(): number {
    return MOODS.length;
  }

  /** Whether the lexicon itself lists the word as evidence (rather than the classifier guessing). */
  names(word: string, mode: EmbedMode): boolean {
    return (mode === 'query' ? this.#requestWords : this.#documentWords).has(word);
  }

  /** How the word leans, one score per mood (logit scale: only differences between moods matter). */
  wordScores(word: WeightedWord, mode: EmbedMode): Float32Array {
    const named = (mode === 'query' ? this.#requestWords : this.#documentWords).get(word.word);
    if (named) {
      const scores = new Float32Array(MOODS.length);
      for (const k of named) scores[k] = LEXICON_EVIDENCE;
      return scores;
    }
    return this.#classify(word.rank);
  }

  /** The text's distribution over moods, or undefined when it has no content word. */
  distribution(words: readonly WeightedWord[], mode: EmbedMode): Float32Array | undefined {
    let total = 0;
    const mean = new Float64Array(MOODS.length);
    for (const w of words) {
      if (w.weight < CONTENT_WEIGHT) continue;
      const scores = this.wordScores(w, mode);
      total += w.weight;
      for (let k = 0; k < mean.length; k++) mean[k] = (mean[k] ?? 0) + w.weight * (scores[k] ?? 0);
    }
    if (!(total > 0)) return undefined;
    return softmax(
      Array.from(mean, (m) => m / total),
      TEMPERATURE,
    );
  }

  /** The unit-length profile (distribution minus uniform); all zeros when the text has no content word. */
  profile(words: readonly WeightedWord[], mode: EmbedMode): Float32Array {
    const p = this.distribution(words, mode);
    const out = new Float32Array(MOODS.length);
    if (!p) return out;
    let norm = 0;
    for (let k = 0; k < out.length; k++) {
      out[k] = (p[k] ?? 0) - 1 / out.length;
      norm += (out[k] ?? 0) ** 2;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) / norm;
    return out;
  }

  /** The moods a text leans to, strongest first, down to `minWeight` of its distribution. */
  leanings(words: readonly WeightedWord[], mode: EmbedMode, minWeight: number): MoodLeaning[] {
    const p = this.distribution(words, mode);
    if (!p) return [];
    return MOODS.map((mood, k) => ({ mood, weight: p[k] ?? 0 }))
      .filter((m) => m.weight >= minWeight)
      .sort((a, b) => b.weight - a.weight);
  }

  #classify(rank: number): Float32Array {
    const k0 = rank * MOODS.length;
    const scores = this.#scores.subarray(k0, k0 + MOODS.length);
    if (this.#scored[rank] === 1) return scores;
    const x = unitVector(this.#vectors, rank);
    const dims = this.#vectors.dims;
    for (let k = 0; k < MOODS.length; k++) {
      let s = this.#bias[k] ?? 0;
      for (let d = 0; d < dims; d++) s += (this.#weights[k * dims + d] ?? 0) * (x[d] ?? 0);
      scores[k] = s;
    }
    this.#scored[rank] = 1;
    return scores;
  }
}

function softmax(values: readonly number[], temperature: number): Float32Array {
  const top = Math.max(...values);
  const out = new Float32Array(values.length);
  let sum = 0;
  for (let k = 0; k < values.length; k++) {
    out[k] = Math.exp(((values[k] ?? 0) - top) / temperature);
    sum += out[k] ?? 0;
  }
  for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) / sum;
  return out;
}
