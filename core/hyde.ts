/**
 * HyDE, the search's second query vector: lyrics (a chat model's, or the local writer's expansion words)
 * embedded as a document, or — for a name-only catalog with a remote writer — the centre of the real songs the
 * model names, found in the catalog (grounded-hyde.ts). `auto` picks by the catalog's share of songs with
 * lyrics, read at most every LYRICS_SHARE_TTL_MS.
 */
import { type GroundedResult, suggestedSongs } from './grounded-hyde.ts';
import type { Embedder, Vector } from './ports.ts';
import type { RecommenderDeps, RecommendOptions } from './recommend.ts';
import type { Timed } from './retrieval.ts';
import type { MoodRequest } from './types.ts';
import { first } from './vectors.ts';

/** How often `auto` re-reads the catalog's share of songs with lyrics: an ingest changes it rarely. */
const LYRICS_SHARE_TTL_MS = 10 * 60_000;

export interface Hyde {
  /** Lyric HyDE or grounded suggestions: only a writer that can name songs over an index that finds them. */
  mode(): Promise<'lyrics' | 'songs'>;
  /** The HyDE vector (and, grounded, the songs found); a failure leaves the mood vector alone. */
  vectors(
    request: MoodRequest,
    text: string,
    moodVector: Promise<Vector>,
    embedder: Embedder,
    mode: 'lyrics' | 'songs',
    timed: Timed,
  ): Promise<{ vector: Vector | undefined; grounded: GroundedResult | undefined }>;
}

export function createHyde(
  deps: Pick<RecommenderDeps, 'writer' | 'index' | 'onDegraded' | 'onSuggestions'> & {
    readonly options: RecommendOptions;
  },
): Hyde {
  const { writer, index, options } = deps;
  let lyricsShare: { value: Promise<number>; at: number } | undefined;

  const mode = async (): Promise<'lyrics' | 'songs'> => {
    if (options.hydeMode === 'lyrics' || !writer.suggestSongs || !index.songsByKey) return 'lyrics';
    if (options.hydeMode === 'songs' || !index.lyricsShare) return 'songs';
    if (!lyricsShare || Date.now() - lyricsShare.at > LYRICS_SHARE_TTL_MS) {
      const value = index.lyricsShare();
      lyricsShare = { value, at: Date.now() };
      value.catch(() => {
        lyricsShare = undefined;
      });
    }
    return (await lyricsShare.value) >= options.hydeLyricsShare ? 'lyrics' : 'songs';
  };

  return { mode, vectors };

  /**
   * The HyDE vector: lyrics (or the local writer's words) embedded as a document, or the centre of the
   * catalog songs a chat model named, which also join the candidates. A failure leaves the mood vector alone.
   */
  async function vectors(...[request, text, moodVector, embedder, mode, timed]: Parameters<Hyde['vectors']>) {
    try {
      if (mode === 'songs' && writer.suggestSongs && index.songsByKey) {
        const grounded = await suggestedSongs(
          { suggestSongs: writer.suggestSongs.bind(writer) },
          { songsByKey: index.songsByKey.bind(index) },
          { ...request, text },
          moodVector,
          options.suggestedSongs,
          timed,
        );
        deps.onSuggestions?.({ suggested: grounded.suggested, found: grounded.found });
        return { vector: grounded.vector, grounded };
      }
      const lyrics = await timed('hyde', () => writer.hypotheticalLyrics(text));
      const vector = await timed('embedHyde', async () => first(await embedder.embed([lyrics], 'document')));
      return { vector, grounded: undefined };
    } catch (error) {
      deps.onDegraded?.('hyde', error);
      return { vector: undefined, grounded: undefined };
    }
  }
}
