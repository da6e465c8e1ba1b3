/**
 * A deterministic embedder for benchmarks at catalog scale, where no model API can be called: it reads the
 * song document the re-index sends ("name by artist…", core/song-document.ts) and returns a vector with the
 * bench generator's structure (bench/synthetic-vectors.ts) — clusters by artist, a place per song, versions of
 * one song next to each other, intros and interludes all alike. Same text, same vector, in any process.
 */
import { normalizeArtist, normalizeTitle } from '../../core/normalize.ts';
import type { Embedder, EmbedMode, Vector } from '../../core/ports.ts';
import { SyntheticCatalog } from '../synthetic-vectors.ts';

const FILLER_TITLES = new Set(['intro', 'interlude', 'outro', 'skit', 'intro skit']);

/** FNV-1a, 32 bits: a stable key for a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** "name by artist. genre. tags. lyrics" → its name and artist (the last " by " of the first part). */
export function splitDocument(document: string): { name: string; artist: string } {
  const head = document.split('. ')[0] ?? document;
  const at = head.lastIndexOf(' by ');
  return at < 0 ? { name: head, artist: '' } : { name: head.slice(0, at), artist: head.slice(at + 4) };
}

export class SyntheticEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly #space: SyntheticCatalog;

  constructor(options: { dimensions: number; seed: number; rows: number }) {
    this.dimensions = options.dimensions;
    this.model = `synthetic:catalog-s${options.seed}@${options.dimensions}`;
    // The cluster layout depends on the catalog size only through the cluster count (√rows / 2.5, ≤ 500).
    this.#space = new SyntheticCatalog({ rows: options.rows, dims: options.dimensions, seed: options.seed });
  }

  get space(): SyntheticCatalog {
    return this.#space;
  }

  async embed(texts: readonly string[], _mode: EmbedMode): Promise<Vector[]> {
    return texts.map((text) => this.vectorOf(text));
  }

  vectorOf(document: string): Vector {
    const { name, artist } = splitDocument(document);
    const title = normalizeTitle(name);
    // Every spelling moves the song's vector a little, so "Song - Remastered 2011" sits at cosine ≈ 0.99 of "Song".
    return this.#space.vectorFor(
      { artist: hash(normalizeArtist(artist)), song: hash(title), version: hash(name) },
      new Float32Array(this.dimensions),
      FILLER_TITLES.has(title),
    );
  }
}
