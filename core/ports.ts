/** The ports the recommendation core depends on; providers and `db/` implement them. */
import type { Candidate, MoodFilters, SongId } from './types.ts';

/** A unit-length embedding. */
export type Vector = Float32Array;

export type EmbedMode = 'query' | 'document';

export interface Embedder {
  /** Identifies the model in the database, e.g. `local:glove-mood-116@2` or `openai:qwen3-embedding-8b@1024`. */
  readonly model: string;
  readonly dimensions: number;
  /** Texts → unit vectors, in order. Throws `MoodError(EmbeddingUnavailable, retryable)` when the model is down. */
  embed(texts: readonly string[], mode: EmbedMode): Promise<Vector[]>;
}

export interface Writer {
  readonly name: string;
  /** A short hypothetical song (title and lyrics, or expansion words) for HyDE. */
  hypotheticalLyrics(mood: string, signal?: AbortSignal): Promise<string>;
  /** A short playlist title for the mood and the chosen songs. */
  title(
    mood: string,
    songs: readonly { name: string; artist: string | null }[],
    signal?: AbortSignal,
  ): Promise<string>;
}

export interface SearchOptions {
  readonly limit: number;
  readonly filters?: MoodFilters;
  readonly excludeSongIds?: readonly SongId[];
}

export interface SongIndex {
  /** The embedding model the live index serves; queries must be embedded with it. */
  activeModel(): Promise<{ model: string; dimensions: number } | null>;
  /** Nearest songs to `vector` under cosine similarity. */
  search(vector: Vector, options: SearchOptions): Promise<Candidate[]>;
  /** The live model's vectors of these songs (songs without one are skipped). */
  vectorsOf(songIds: readonly SongId[]): Promise<Vector[]>;
}

export interface LinkRequest {
  readonly songId: SongId;
  readonly name: string;
  readonly artist: string | null;
}

export interface ResolvedLink {
  readonly url: string;
  /** `track` when Spotify returned a match, `search` when this is a Spotify search URL fallback. */
  readonly kind: 'track' | 'search';
}

export interface LinkResolver {
  readonly name: string;
  /** One link per request, in order; never throws for a single song (falls back to a search URL). */
  resolve(requests: readonly LinkRequest[]): Promise<ResolvedLink[]>;
}

/** Shared cache of resolved links (results and misses), with expiry; `db/` implements it. */
export interface LinkCache {
  get(songIds: readonly SongId[]): Promise<Map<SongId, ResolvedLink | null>>;
  put(entries: readonly { songId: SongId; link: ResolvedLink | null }[], ttlSeconds: number): Promise<void>;
}

export interface ExplainableSong {
  readonly name: string;
  readonly artist: string | null;
  readonly genre: string | null;
  readonly tags: readonly string[];
}

export interface Explainer {
  /** A short, honest reason per song: the catalog words that best match the mood. */
  explain(mood: string, songs: readonly ExplainableSong[]): string[];
}
