/** The ports the recommendation core depends on; providers and `db/` implement them. */
import type { Candidate, MoodFilters, SongId } from './types.ts';

/** A unit-length embedding. */
export type Vector = Float32Array;

export type EmbedMode = 'query' | 'document';

export interface Embedder {
  /**
   * The model's recorded name (`formatModelRef` in core/models.ts), e.g. `local:glove-mood-116@2` or
   * `openai:qwen3-embedding-8b@1024`.
   */
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
  /**
   * Grounded HyDE: up to `max` real, existing songs that fit the mood, as the model knows them. Only a
   * remote chat model can name songs; a writer without the ability leaves this out.
   */
  suggestSongs?(mood: string, max: number, signal?: AbortSignal): Promise<SongSuggestion[]>;
}

/** A song a chat model named for a mood: untrusted text, bounded and validated, matched on its key. */
export interface SongSuggestion {
  readonly title: string;
  readonly artist: string;
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
  /**
   * Songs whose tags, genre, title or artist carry the query's words, best match first, each with its
   * cosine similarity to `vector` (hybrid retrieval's lexical half). Bounded: at most `limit` songs.
   */
  lexicalSearch?(vector: Vector, query: LexicalQuery): Promise<Candidate[]>;
  /** Which of these themes at least one song's tags, genre or title names (artists do not count). */
  themesInCatalog?(themes: readonly LexicalTheme[], filters?: MoodFilters): Promise<Set<string>>;
  /**
   * Songs by their normalised title + artist key (`matchKey`, the lyrics matcher's), with the live model's
   * vector and the cosine similarity to `vector`; keys the catalog lacks are left out.
   */
  songsByKey?(keys: readonly string[], vector: Vector): Promise<KeyedSong[]>;
  /** The share of the catalog's songs that have lyrics, in [0, 1] (estimated on a large catalog). */
  lyricsShare?(): Promise<number>;
}

/** Groups of alternative words: a song matches a group when it carries any of its words. */
export interface LexicalQuery {
  readonly groups: readonly (readonly string[])[];
  readonly limit: number;
  readonly filters?: MoodFilters;
  readonly excludeSongIds?: readonly SongId[];
}

export interface LexicalTheme {
  readonly name: string;
  readonly words: readonly string[];
}

export interface KeyedSong {
  readonly key: string;
  readonly candidate: Candidate;
  readonly vector: Vector;
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

/** Members' 👍/👎 on playlists, per Discord guild or Slack team (workers/feedback.ts keeps them in Redis). */
export interface FeedbackScores {
  /** Net votes (👍 − 👎) of these songs in the group; songs nobody voted on are left out. */
  net(groupId: string, songIds: readonly SongId[]): Promise<ReadonlyMap<SongId, number>>;
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
