/**
 * A synthetic song-embedding catalog for the vector-search benchmark, deterministic from its seed and
 * streamed row by row (nothing the size of the catalog is held in memory, so 12.4M rows work as well as 20K).
 *
 * Not uniform noise: real text embeddings are anisotropic (unrelated songs still have cosine ≈ 0.1–0.3),
 * clustered by genre and style, low in intrinsic dimension, and full of near-duplicates. So:
 * - a shared mean direction; genres; a few hundred clusters (log-normal sizes, 1:20 between small and big),
 *   each a blend of the mean, its genre and its own direction, with its own spread;
 * - a song = its cluster centre (35 % of songs sit between two clusters of one genre) plus a low-rank
 *   offset (24 latent factors per cluster, decaying variance) plus isotropic noise, normalised; nearest
 *   neighbours at cosine ≈ 0.7–0.8, unrelated songs ≈ 0.2;
 * - near-duplicates of a recent song (about 12 % of rows): remasters, live versions and radio edits (same
 *   artist, cosine ≈ 0.995), covers (another artist, cosine ≈ 0.97); and a dense family of "Intro",
 *   "Interlude", "Outro" tracks that all look alike;
 * - popularity heavy-tailed like the real play counts: a third of the songs never played, the rest Pareto
 *   (α 1.1), `popularity_score = 0.6 × interactions + 0.4 × unique users` as the original computed it.
 *
 * Queries, from their own PRNG stream: perturbed catalog vectors (a mood close to a song, cosine ≈ 0.9) and
 * fresh samples of random clusters (a song-like vector that is not in the catalog).
 */
import { mulberry32 } from '../core/rerank.ts';

export interface SyntheticCatalogOptions {
  readonly rows: number;
  readonly dims: number;
  readonly seed: number;
  /** Default: √rows / 2.5, between 20 and 500. */
  readonly clusters?: number;
  /** Latent factors per cluster (its local intrinsic dimension). */
  readonly rank?: number;
  /** Isotropic noise relative to the low-rank part. */
  readonly isotropic?: number;
  /** Scales every cluster's spread around its centre. */
  readonly spread?: number;
}

export interface SyntheticSong {
  /** 1 … rows. */
  readonly id: number;
  readonly name: string;
  readonly artist: string;
  readonly interactions: number;
  readonly uniqueUsers: number;
  readonly popularity: number;
  /** Unit length. A view into a ring buffer: valid until the generator advances. */
  readonly vector: Float32Array;
}

export type QueryKind = 'near-song' | 'fresh';

export interface SyntheticQuery {
  readonly kind: QueryKind;
  readonly vector: Float32Array;
}

type Random = () => number;

/** Bump when the generated data changes, so cached ground truth is recomputed. */
export const GENERATOR_VERSION = 1;

/** Latent factors per cluster: the "style" axes a cluster varies along. */
const RANK = 24;
const ISOTROPIC = 0.6;
const SPREAD = 1;
const DUPLICATE_SHARE = 0.12;
const INTRO_SHARE = 0.005;
const BRIDGE_SHARE = 0.35;
const UNPLAYED_SHARE = 0.33;
/** Near-duplicates are versions of one of the last this many songs (an album, a re-release). */
const RING = 8192;
const INTRO_NAMES = ['Intro', 'Interlude', 'Outro', 'Intro (Skit)'];
const VERSION_SUFFIXES = [' - Remastered 2011', ' - Remastered 2009', ' (Live)', ' - Radio Edit', ' - Mono'];

function gaussian(random: Random): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] ?? 0) ** 2;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}

function randomUnit(dims: number, normal: () => number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = normal();
  return normalise(v);
}

/** out = normalise(Σ weight·vector). */
function mix(out: Float32Array, parts: readonly (readonly [number, Float32Array])[]): Float32Array {
  out.fill(0);
  for (const [w, v] of parts) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + w * (v[i] ?? 0);
  return normalise(out);
}

interface Cluster {
  readonly centre: Float32Array;
  readonly genre: number;
  /** `rank` unit vectors, row-major. */
  readonly basis: Float32Array;
  readonly spread: number;
  readonly artists: number;
}

export class SyntheticCatalog {
  readonly rows: number;
  readonly dims: number;
  readonly clusterCount: number;
  readonly #seed: number;
  readonly #clusters: Cluster[] = [];
  readonly #cumulative: Float64Array;
  readonly #factorScale: Float32Array;
  readonly #introCentre: Float32Array;
  readonly #genreMembers: number[][] = [];
  readonly #rank: number;
  readonly #isotropic: number;

  constructor(options: SyntheticCatalogOptions) {
    const { rows, dims, seed } = options;
    if (!Number.isSafeInteger(rows) || rows < 100) throw new Error('rows must be a whole number ≥ 100');
    if (!Number.isSafeInteger(dims) || dims < 16 || dims > 2000) throw new Error('dims must be in 16 … 2000');
    this.rows = rows;
    this.dims = dims;
    this.#seed = seed;
    this.#rank = options.rank ?? RANK;
    this.#isotropic = options.isotropic ?? ISOTROPIC;
    const spread = options.spread ?? SPREAD;
    this.clusterCount = options.clusters ?? Math.min(500, Math.max(20, Math.round(Math.sqrt(rows) / 2.5)));

    const random = mulberry32(seed);
    const normal = gaussian(random);
    const mean = randomUnit(dims, normal);
    const genres = Array.from({ length: Math.max(4, Math.round(this.clusterCount / 16)) }, () =>
      randomUnit(dims, normal),
    );
    for (let g = 0; g < genres.length; g++) this.#genreMembers.push([]);
    const weights = new Float64Array(this.clusterCount);
    let total = 0;
    for (let k = 0; k < this.clusterCount; k++) {
      const genre = Math.floor(random() * genres.length);
      const own = randomUnit(dims, normal);
      const centre = mix(new Float32Array(dims), [
        [0.5, mean],
        [0.6, genres[genre] as Float32Array],
        [0.6, own],
      ]);
      const basis = new Float32Array(this.#rank * dims);
      for (let j = 0; j < this.#rank; j++) basis.set(randomUnit(dims, normal), j * dims);
      // Log-normal sizes: the biggest clusters are ~20× the smallest.
      const weight = Math.exp(0.9 * normal());
      weights[k] = weight;
      total += weight;
      const expected = (rows * weight) / (this.clusterCount * 1.5);
      this.#clusters.push({
        centre,
        genre,
        basis,
        spread: spread * (0.55 + 0.5 * random()),
        artists: Math.max(1, Math.round(expected / 12)),
      });
      this.#genreMembers[genre]?.push(k);
    }
    this.#cumulative = new Float64Array(this.clusterCount);
    let running = 0;
    for (let k = 0; k < this.clusterCount; k++) {
      running += (weights[k] ?? 0) / total;
      this.#cumulative[k] = running;
    }
    // Decaying factor variances, scaled so the low-rank part has unit expected norm.
    this.#factorScale = new Float32Array(this.#rank);
    let sum = 0;
    for (let j = 0; j < this.#rank; j++) sum += 1 / (1 + j / 3);
    for (let j = 0; j < this.#rank; j++) this.#factorScale[j] = Math.sqrt(1 / (1 + j / 3) / sum);
    this.#introCentre = mix(new Float32Array(dims), [
      [0.5, mean],
      [0.9, randomUnit(dims, normal)],
    ]);
  }

  #pickCluster(random: Random): number {
    const u = random();
    let lo = 0;
    let hi = this.clusterCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#cumulative[mid] ?? 1) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A fresh song-like vector of cluster k (and, for a bridge song, of a sibling cluster) into `out`. */
  #sample(out: Float32Array, k: number, random: Random, normal: () => number, bridge: boolean): void {
    const cluster = this.#clusters[k] as Cluster;
    const d = this.dims;
    out.set(cluster.centre);
    if (bridge) {
      const siblings = this.#genreMembers[cluster.genre] ?? [];
      const other = this.#clusters[siblings[Math.floor(random() * siblings.length)] ?? k] as Cluster;
      const a = 0.3 + 0.4 * random();
      for (let i = 0; i < d; i++) out[i] = a * (out[i] ?? 0) + (1 - a) * (other.centre[i] ?? 0);
    }
    const s = cluster.spread;
    for (let j = 0; j < this.#rank; j++) {
      const w = s * (this.#factorScale[j] ?? 0) * normal();
      const base = j * d;
      for (let i = 0; i < d; i++) out[i] = (out[i] ?? 0) + w * (cluster.basis[base + i] ?? 0);
    }
    const iso = (s * this.#isotropic) / Math.sqrt(d);
    for (let i = 0; i < d; i++) out[i] = (out[i] ?? 0) + iso * normal();
    normalise(out);
  }

  /** out = normalise(source + ε·noise), noise of expected norm ε. */
  #perturb(out: Float32Array, source: Float32Array, epsilon: number, normal: () => number): void {
    const scale = epsilon / Math.sqrt(this.dims);
    for (let i = 0; i < this.dims; i++) out[i] = (source[i] ?? 0) + scale * normal();
    normalise(out);
  }

  /**
   * The catalog, row by row. `capture` (sorted ascending ids) collects copies of those rows' vectors, for
   * queries near catalog songs.
   */
  *songs(capture?: Map<number, Float32Array>): Generator<SyntheticSong> {
    const d = this.dims;
    const random = mulberry32(this.#seed ^ 0x9e3779b9);
    const normal = gaussian(random);
    const ring = new Float32Array(RING * d);
    const names: string[] = new Array(RING).fill('');
    const artists: string[] = new Array(RING).fill('');
    for (let id = 1; id <= this.rows; id++) {
      const slot = id % RING;
      const out = ring.subarray(slot * d, (slot + 1) * d);
      const r = random();
      let name: string;
      let artist: string;
      if (id > 64 && r < DUPLICATE_SHARE) {
        // A version of a recent song: the other slot is still intact (slot ≠ source).
        const back = 1 + Math.floor(random() * Math.min(RING - 1, id - 1));
        const source = (id - back) % RING;
        const src = ring.subarray(source * d, (source + 1) * d);
        const original = names[source] ?? '';
        if (random() < 0.7) {
          this.#perturb(out, src, 0.06 + 0.06 * random(), normal);
          name = `${original}${VERSION_SUFFIXES[Math.floor(random() * VERSION_SUFFIXES.length)]}`;
          artist = artists[source] ?? '';
        } else {
          this.#perturb(out, src, 0.2 + 0.15 * random(), normal);
          name = original;
          artist = `Cover Band ${Math.floor(random() * 5000)}`;
        }
      } else if (r < DUPLICATE_SHARE + INTRO_SHARE) {
        const k = this.#pickCluster(random);
        mix(out, [
          [1, this.#introCentre],
          [0.25, (this.#clusters[k] as Cluster).centre],
        ]);
        this.#perturb(out, out, 0.15, normal);
        name = INTRO_NAMES[Math.floor(random() * INTRO_NAMES.length)] ?? 'Intro';
        artist = `Artist ${k}.${Math.floor(random() * (this.#clusters[k] as Cluster).artists)}`;
      } else {
        const k = this.#pickCluster(random);
        this.#sample(out, k, random, normal, random() < BRIDGE_SHARE);
        name = `Song ${id}`;
        // A few prolific artists per cluster, many with a handful of songs.
        artist = `Artist ${k}.${Math.floor(random() ** 2 * (this.#clusters[k] as Cluster).artists)}`;
      }
      names[slot] = name;
      artists[slot] = artist;
      const interactions =
        random() < UNPLAYED_SHARE ? 0 : Math.min(5_000_000, Math.floor(random() ** (-1 / 1.1)));
      const uniqueUsers =
        interactions === 0 ? 0 : Math.max(1, Math.round(interactions * (0.35 + 0.6 * random())));
      if (capture?.has(id)) capture.set(id, Float32Array.from(out));
      yield {
        id,
        name,
        artist,
        interactions,
        uniqueUsers,
        popularity: 0.6 * interactions + 0.4 * uniqueUsers,
        vector: out,
      };
    }
  }

  /**
   * A song-like vector from three keys instead of the row stream, for an embedder that sees only text: the
   * artist picks the cluster (so an artist's songs sit together, as a style does), the song picks its place in
   * it, and a version (remaster, live, edit) is a small perturbation of the song it is a version of.
   */
  vectorFor(
    keys: { readonly artist: number; readonly song: number; readonly version?: number },
    out: Float32Array,
    intro = false,
  ): Float32Array {
    const k = this.#pickCluster(mulberry32(keys.artist));
    const random = mulberry32(keys.song ^ Math.imul(keys.artist, 0x9e3779b1));
    const normal = gaussian(random);
    if (intro) {
      mix(out, [
        [1, this.#introCentre],
        [0.25, (this.#clusters[k] as Cluster).centre],
      ]);
      this.#perturb(out, out, 0.15, normal);
    } else {
      this.#sample(out, k, random, normal, random() < BRIDGE_SHARE);
    }
    if (keys.version !== undefined) {
      const versionRandom = mulberry32(keys.version);
      this.#perturb(out, out, 0.06 + 0.06 * versionRandom(), gaussian(versionRandom));
    }
    return out;
  }

  /** A fresh sample of a random cluster: a song-like vector that is not in the catalog. */
  freshQuery(random: () => number, out: Float32Array): Float32Array {
    this.#sample(out, this.#pickCluster(random), random, gaussian(random), random() < BRIDGE_SHARE);
    return out;
  }

  /** `source` moved by noise of expected norm `epsilon` (a mood close to a song). */
  perturbed(source: Float32Array, epsilon: number, random: () => number, out: Float32Array): Float32Array {
    this.#perturb(out, source, epsilon, gaussian(random));
    return out;
  }

  /** Which catalog rows the near-song queries start from (pass as `capture` to `songs`). */
  queryRows(count: number): Map<number, Float32Array> {
    const random = mulberry32(this.#seed ^ 0x51ed270b);
    const ids = new Set<number>();
    const want = Math.min(Math.ceil(count / 2), this.rows);
    while (ids.size < want) ids.add(1 + Math.floor(random() * this.rows));
    return new Map([...ids].sort((a, b) => a - b).map((id) => [id, new Float32Array(0)]));
  }

  /** Half near-song queries (from the captured rows), half fresh cluster samples, interleaved. */
  queries(count: number, captured: Map<number, Float32Array>): SyntheticQuery[] {
    const random = mulberry32(this.#seed ^ 0x2545f491);
    const normal = gaussian(random);
    const near = [...captured.values()].filter((v) => v.length === this.dims);
    const queries: SyntheticQuery[] = [];
    for (let i = 0; i < count; i++) {
      const out = new Float32Array(this.dims);
      const source = near[i >> 1];
      if (i % 2 === 0 && source) {
        this.#perturb(out, source, 0.4 + 0.2 * random(), normal);
        queries.push({ kind: 'near-song', vector: out });
      } else {
        this.#sample(out, this.#pickCluster(random), random, normal, random() < BRIDGE_SHARE);
        queries.push({ kind: 'fresh', vector: out });
      }
    }
    return queries;
  }
}

/** IEEE 754 binary16 bits of a float (round to nearest even), as halfvec's binary format carries them. */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  let mantissa = x & 0x7fffff;
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}
