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
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmbedMode } from '../ports.ts';
import type { WeightedWord } from './embedder.ts';
import { MOODS, type Mood } from './mood-lexicon.ts';
import type { WordVectors } from './word-vectors.ts';

/** Softmax temperature on word scores: low enough that one clear mood word decides a short title. */
const TEMPERATURE = 0.15;
/** Words below this SIF weight ("by", "the", "with") are function words and carry no mood. */
const CONTENT_WEIGHT = 0.5;
/** A lexicon word's score for its own mood(s), on the classifier's logit scale. */
const LEXICON_EVIDENCE = 2;
/** The "no mood" class: this many ordinary words, evenly spaced between these frequency ranks. */
const BACKGROUND_WORDS = 200;
const BACKGROUND_FROM = 200;
const BACKGROUND_TO = 20_000;
/** Background words teach less each than lexicon words: they only mark what a mood is not. */
const BACKGROUND_WEIGHT = 0.2;
/** Full-batch gradient descent over a few hundred examples: seconds on 2 cores, so `load` caches the result. */
const TRAINING_STEPS = 300;
const LEARNING_RATE = 0.5;
/** L2 penalty: strong, so the classifier stays close to "which lexicon words is this word like". */
const L2 = 0.01;
/** Bump when `trainClassifier` itself changes, so no cache of the old one is read back. */
const CLASSIFIER_VERSION = 1;

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
    ({ weights: this.#weights, bias: this.#bias } = classifier ?? trainClassifier(trainingExamples(vectors)));
  }

  /**
   * The mood space with its classifier read from `cacheDir` when one was trained on exactly these examples
   * (same lexicon, vectors and settings: the file name is their hash), trained and written there otherwise.
   * Training takes seconds on a small machine; reading the cache, a millisecond.
   */
  static async load(vectors: WordVectors, cacheDir: string): Promise<MoodSpace> {
    const examples = trainingExamples(vectors);
    const file = path.join(cacheDir, `mood-classifier-${examplesKey(examples)}.bin`);
    const classes = MOODS.length + 1;
    const size = classes * vectors.dims + classes;
    const cached = await readFile(file).catch(() => undefined);
    if (cached?.byteLength === size * 8) {
      const all = new Float64Array(
        cached.buffer.slice(cached.byteOffset, cached.byteOffset + cached.byteLength),
      );
      return new MoodSpace(vectors, {
        weights: all.subarray(0, size - classes),
        bias: all.subarray(size - classes),
      });
    }
    const classifier = trainClassifier(examples);
    const all = new Float64Array(size);
    all.set(classifier.weights);
    all.set(classifier.bias, size - classes);
    // Best effort, written then renamed so a concurrent start never reads half a file; a read-only cache
    // folder only means training at every start.
    const tmp = `${file}.${randomUUID()}.tmp`; // containers sharing a folder may all be pid 1
    await mkdir(cacheDir, { recursive: true })
      .then(() => writeFile(tmp, all))
      .then(() => rename(tmp, file))
      .catch(() => rm(tmp, { force: true }).catch(() => {}));
    return new MoodSpace(vectors, classifier);
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

/** Classifier weights, `(moods + 1) × dims` with the "no mood" class last; and one bias per class. */
export interface MoodClassifier {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

interface TrainingExamples {
  /** `n × dims` unit word vectors, row by row. */
  readonly xs: Float64Array;
  readonly labels: Int32Array;
  readonly weights: Float64Array;
  readonly dims: number;
}

/** Lexicon words → their mood; ordinary words, evenly spread over common ranks → "no mood". */
function trainingExamples(vectors: WordVectors): TrainingExamples {
  const rows: { x: Float32Array; label: number; weight: number }[] = [];
  MOODS.forEach((mood, k) => {
    for (const word of `${mood.feel} ${mood.sound}`.split(' ')) {
      const rank = vectors.rank(word);
      if (rank !== undefined) rows.push({ x: unitVector(vectors, rank), label: k, weight: 1 });
    }
  });
  const stride = Math.floor((BACKGROUND_TO - BACKGROUND_FROM) / BACKGROUND_WORDS);
  for (let rank = BACKGROUND_FROM; rank < BACKGROUND_TO && rank < vectors.size; rank += stride) {
    rows.push({ x: unitVector(vectors, rank), label: MOODS.length, weight: BACKGROUND_WEIGHT });
  }
  const dims = vectors.dims;
  const xs = new Float64Array(rows.length * dims);
  rows.forEach((r, i) => {
    xs.set(r.x, i * dims);
  });
  return {
    xs,
    labels: Int32Array.from(rows, (r) => r.label),
    weights: Float64Array.from(rows, (r) => r.weight),
    dims,
  };
}

/** Names what `trainClassifier` would learn from these examples with these settings. */
function examplesKey(examples: TrainingExamples): string {
  const hash = createHash('sha256');
  for (const part of [examples.xs, examples.labels, examples.weights])
    hash.update(new Uint8Array(part.buffer));
  hash.update(JSON.stringify([CLASSIFIER_VERSION, MOODS.length, TRAINING_STEPS, LEARNING_RATE, L2]));
  return hash.digest('hex').slice(0, 16);
}

function unitVector(vectors: WordVectors, rank: number): Float32Array {
  const v = new Float32Array(vectors.dims);
  vectors.addTo(v, rank, 1);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < v.length; d++) v[d] = (v[d] ?? 0) / norm;
  return v;
}

/** Multinomial logistic regression by full-batch gradient descent with an L2 penalty. */
function trainClassifier(examples: TrainingExamples): MoodClassifier {
  const { xs, labels, weights: exampleWeights, dims } = examples;
  const classes = MOODS.length + 1;
  const n = labels.length;
  const totalWeight = exampleWeights.reduce((s, w) => s + w, 0);
  const weights = new Float64Array(classes * dims);
  const bias = new Float64Array(classes);
  const gradient = new Float64Array(classes * dims);
  const gradientBias = new Float64Array(classes);
  const p = new Float64Array(classes);
  for (let step = 0; step < TRAINING_STEPS; step++) {
    gradient.fill(0);
    gradientBias.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = i * dims;
      let top = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) {
        let s = bias[c] as number;
        const wc = c * dims;
        for (let d = 0; d < dims; d++) s += (weights[wc + d] as number) * (xs[xi + d] as number);
        p[c] = s;
        if (s > top) top = s;
      }
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        const e = Math.exp((p[c] as number) - top);
        p[c] = e;
        sum += e;
      }
      const label = labels[i] as number;
      const weight = exampleWeights[i] as number;
      for (let c = 0; c < classes; c++) {
        const g = ((p[c] as number) / sum - (c === label ? 1 : 0)) * weight;
        gradientBias[c] = (gradientBias[c] as number) + g;
        const wc = c * dims;
        for (let d = 0; d < dims; d++)
          gradient[wc + d] = (gradient[wc + d] as number) + g * (xs[xi + d] as number);
      }
    }
    for (let c = 0; c < classes; c++) {
      bias[c] = (bias[c] as number) - (LEARNING_RATE * (gradientBias[c] as number)) / totalWeight;
    }
    for (let j = 0; j < weights.length; j++) {
      const w = weights[j] as number;
      weights[j] = w - LEARNING_RATE * ((gradient[j] as number) / totalWeight + L2 * w);
    }
  }
  return { weights, bias };
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
