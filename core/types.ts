/** Domain types shared by every layer. Plain data only: these cross queues and process boundaries. */
import type { ListenLink } from './listen-links.ts';
import type { Refinement } from './refinement.ts';

/** The chat platforms Sonic Mood answers on. */
export const PLATFORMS = ['discord', 'slack'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A user's request: the mood text, already validated (see `parseMood`), and what to return. */
export interface MoodRequest {
  /** The mood as the user typed it, trimmed and length-limited. */
  readonly text: string;
  /** How many tracks to return. */
  readonly size: number;
  readonly filters?: MoodFilters;
  /** Set for "Another take": a different but reproducible draw from the same candidates. */
  readonly seed?: number;
  /** Song ids the user has already been shown and does not want again. */
  readonly excludeSongIds?: readonly SongId[];
  /** "More like this": steer the search toward these songs as well as the mood. */
  readonly likeSongIds?: readonly SongId[];
  /** "Refine…": constraints the user added in words, applied in code (refine-request.ts). */
  readonly refinement?: Refinement;
  /** The Discord guild or Slack team asking: its members' 👍/👎 move songs there. Null in a DM. */
  readonly groupId?: string | null;
}

/** Hard filters: a song that fails one is never a candidate. */
export interface MoodFilters {
  readonly yearFrom?: number;
  readonly yearTo?: number;
  /** Genre or tag words a song must not carry (whole words, any case). */
  readonly excludeTerms?: readonly string[];
  /** Genre or tag words a song must carry one of. */
  readonly requireTerms?: readonly string[];
  /** Artists left out (whole words of the artist credit, any case: "Drake" also drops "Drake & Future"). */
  readonly excludeArtists?: readonly string[];
}

export type SongId = string;

/** A song as the catalog knows it. */
export interface Song {
  readonly id: SongId;
  readonly name: string;
  readonly artist: string | null;
  readonly year: number | null;
  readonly genre: string | null;
  readonly tags: readonly string[];
  readonly popularity: number;
}

/** A catalog song found by vector search, before re-ranking. */
export interface Candidate extends Song {
  /** Cosine similarity to the blended query vector, in [-1, 1]. */
  readonly similarity: number;
}

export interface Track {
  readonly songId: SongId;
  readonly name: string;
  readonly artist: string | null;
  readonly year: number | null;
  readonly similarity: number;
  readonly popularity: number;
  /** The re-rank score the playlist is ordered by. */
  readonly score: number;
  /** A Spotify track URL, or a Spotify search URL when the track could not be resolved. */
  readonly spotifyUrl: string;
  /** The same song's search pages on the other platforms LINK_PLATFORMS names (none by default). */
  readonly alsoOn?: readonly ListenLink[];
  /** Short, honest reason for the pick: the catalog words that matched the mood. */
  readonly why: string;
}

/** Milliseconds spent per stage of the pipeline; stages that ran concurrently overlap. */
export interface StageTimings {
  embedMood?: number;
  hyde?: number;
  embedHyde?: number;
  search?: number;
  /** Which of the request's themes the catalog holds songs for (only when it names one). */
  themes?: number;
  /** The lexical half of hybrid retrieval, beside `search`. */
  lexical?: number;
  /** Grounded HyDE: finding the songs the chat model named in the catalog (`hyde` is the naming). */
  resolveSongs?: number;
  /** Reading the group's 👍/👎 on the candidates. */
  feedback?: number;
  rerank?: number;
  links?: number;
  title?: number;
  total?: number;
}

export interface ProviderInfo {
  readonly embedder: string;
  readonly writer: string;
  readonly links: string;
}

export interface Playlist {
  readonly title: string;
  readonly description: string;
  readonly mood: string;
  readonly tracks: readonly Track[];
  readonly providers: ProviderInfo;
  readonly timings: StageTimings;
}
