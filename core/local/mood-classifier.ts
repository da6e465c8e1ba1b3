/**
 * The classifier behind the mood space (mood-space.ts): a multinomial logistic regression on GloVe vectors,
 * learned at start-up from the lexicon's words plus a "no mood" class of ordinary vocabulary, and cached on
 * disk under a name that hashes exactly what it was trained on.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MOODS } from './mood-lexicon.ts';
import type { WordVectors } from './word-vectors.ts';

/** The "no mood" class: this many ordinary words, evenly spaced between these frequency ranks. */
const BACKGROUND_WORDS = 200;
const BACKGROUND_FROM = 200;
const BACKGROUND_TO = 20_000;
/** Background words teach less each than lexicon words: they only mark what a mood is not. */
const BACKGROUND_WEIGHT = 0.2;
/** Full-batch gradient descent over a few hundred examples: seconds on 2 cores, so `loadMoodClassifier` caches the result. */
const TRAINING_STEPS = 300;
const LEARNING_RATE = 0.5;
/** L2 penalty: strong, so the classifier stays close to "which lexicon words is this word like". */
const L2 = 0.01;
/** Bump when `trainClassifier` itself changes, so no cache of the old one is read back. */
const CLASSIFIER_VERSION = 1;

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

export function unitVector(vectors: WordVectors, rank: number): Float32Array {
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

/** Trains the classifier on the lexicon and these vectors (seconds on a small machine). */
export function trainMoodClassifier(vectors: WordVectors): MoodClassifier {
  return trainClassifier(trainingExamples(vectors));
}

/**
 * The classifier read from `cacheDir` when one was trained on exactly these examples (same lexicon, vectors
 * and settings: the file name is their hash), trained and written there otherwise. Reading takes a millisecond.
 */
export async function loadMoodClassifier(vectors: WordVectors, cacheDir: string): Promise<MoodClassifier> {
  const examples = trainingExamples(vectors);
  const file = path.join(cacheDir, `mood-classifier-${examplesKey(examples)}.bin`);
  const classes = MOODS.length + 1;
  const size = classes * vectors.dims + classes;
  const cached = await readFile(file).catch(() => undefined);
  if (cached?.byteLength === size * 8) {
    const all = new Float64Array(
      cached.buffer.slice(cached.byteOffset, cached.byteOffset + cached.byteLength),
    );
    return {
      weights: all.subarray(0, size - classes),
      bias: all.subarray(size - classes),
    };
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
  return classifier;
}
