/**
 * The recommendation pipeline: mood text in, `Playlist` out.
 *
 *   title(mood) ∥ [themes the catalog lacks] → embed(mood) ∥ HyDE → blend
 *     → vector search ∥ lexical search (∥ the songs a chat model named) → rank fusion → re-rank → links, why
 *
 * HyDE is lyrics (a chat model's, or the local writer's expansion words) embedded as a document, or —
 * for a name-only catalog with a remote writer — real songs the model names, found in the catalog
 * (grounded-hyde.ts). Independent stages run concurrently and every stage is timed. A HyDE failure
 * degrades to the mood vector alone; an embedding failure is a retryable `MoodError` for the caller.
 */
import { isMoodError, MoodError, MoodErrorCode } from './errors.ts';
import { demotionsOf } from './feedback-demotion.ts';
import { centroid } from './grounded-hyde.ts';
import { createHyde } from './hyde.ts';
import { type LinkPlatform, otherLinks } from './listen-links.ts';
import { ellipsize } from './normalize.ts';
import type { Embedder, Explainer, FeedbackScores, LinkResolver, SongIndex, Writer } from './ports.ts';
import { refinedRequest, refinementNote, shiftedQuery } from './refine-request.ts';
import { describePlaylist, planRequest, type RequestPlan } from './request-plan.ts';
import { rerank } from './rerank.ts';
import { type RetrievalOptions, retrieve } from './retrieval.ts';
import type { MoodRequest, Playlist, StageTimings, Track } from './types.ts';
import { blend, first } from './vectors.ts';

export type HydeMode = 'auto' | 'lyrics' | 'songs';

export interface RecommendOptions extends RetrievalOptions {
  readonly hydeEnabled: boolean;
  /** Weight of the HyDE vector in the blend; the mood vector gets the rest. */
  readonly hydeWeight: number;
  readonly maxPerArtist: number;
  readonly popularityWeight: number;
  readonly hydeMode: HydeMode;
  /** `auto` writes lyrics when at least this share of the catalog has lyrics, else names songs. */
  readonly hydeLyricsShare: number;
  readonly suggestedSongs: number;
  /** Where each track links: Spotify, and the search pages of the others listed. */
  readonly linkPlatforms?: readonly LinkPlatform[];
  /** Most score a song loses to its group's 👎 (feedback-demotion.ts); 0 turns demotion off. */
  readonly feedbackWeight?: number;
}

export interface RecommenderDeps {
  readonly embedder: Embedder;
  /**
   * Embedders for other models, by name: after a re-index switches the live model, queries follow it
   * without a restart. Without it, only `embedder`'s model can be searched.
   */
  readonly embedderFor?: (model: string, dimensions: number) => Embedder | undefined;
  readonly writer: Writer;
  readonly index: SongIndex;
  readonly links: LinkResolver;
  readonly explainer?: Explainer;
  /** Group votes; without it (or with FEEDBACK_WEIGHT=0) no song is demoted. */
  readonly feedback?: FeedbackScores;
  readonly options: RecommendOptions;
  readonly onDegraded?: (stage: 'hyde', error: unknown) => void;
  /** Grounded HyDE's yield: songs the chat model named (distinct), and how many the catalog holds. */
  readonly onSuggestions?: (stats: { readonly suggested: number; readonly found: number }) => void;
}

export interface Recommender {
  recommend(request: MoodRequest): Promise<Playlist>;
}

export function createRecommender(deps: RecommenderDeps): Recommender {
  const { writer, index, links, explainer, options } = deps;
  const hydeStage = createHyde(deps);

  return {
    async recommend(asked) {
      // A refinement's text and filters join the request; its shifts move the query vector below.
      const request = refinedRequest(asked);
      const timings: StageTimings = {};
      const started = performance.now();
      const timed = async <T>(stage: keyof StageTimings, work: () => Promise<T>): Promise<T> => {
        const t = performance.now();
        try {
          return await work();
        } finally {
          timings[stage] = Math.round(performance.now() - t);
        }
      };

      const live = await index.activeModel();
      if (!live) throw new MoodError(MoodErrorCode.CatalogEmpty, 'No embedding model is active');
      const embedder =
        live.model === deps.embedder.model && live.dimensions === deps.embedder.dimensions
          ? deps.embedder
          : deps.embedderFor?.(live.model, live.dimensions);
      if (!embedder || embedder.dimensions !== live.dimensions) {
        throw new MoodError(
          MoodErrorCode.IndexMismatch,
          `The live index is ${live.model} (${live.dimensions}-d) and this process cannot embed queries for it`,
        );
      }

      // The title needs only the mood: started now, it runs beside HyDE instead of after the search, so a
      // remote writer's latency is off the critical path. Awaited below; a failure before then is not lost.
      const title = timed('title', () => writer.title(asked.text, []));
      title.catch(() => {});
      // One index probe per named theme (only for a request that names a scene or time of day), beside the
      // HyDE mode (the catalog's share of songs with lyrics, hyde.ts).
      const [plan, mode] = await Promise.all([
        timed('themes', () => planRequest(request.text, index, request.filters)),
        options.hydeEnabled ? hydeStage.mode().catch(() => 'lyrics' as const) : Promise.resolve(undefined),
      ]);
      const moodVector = timed('embedMood', async () => {
        try {
          return first(await embedder.embed([plan.searchText], 'query'));
        } catch (error) {
          // What is left once a missing theme is taken out may be words the embedder does not know
          // ("snow qqqz"): then the whole request is the closest thing to search for.
          if (plan.searchText === request.text || !isMoodError(error, MoodErrorCode.MoodNotUnderstood))
            throw error;
          return first(await embedder.embed([request.text], 'query'));
        }
      });
      moodVector.catch(() => {});
      const hyde = mode
        ? hydeStage.vectors(request, plan.searchText, moodVector, embedder, mode, timed)
        : Promise.resolve({ vector: undefined, grounded: undefined });
      const likeVector = request.likeSongIds?.length
        ? index.vectorsOf(request.likeSongIds).then(centroid)
        : Promise.resolve(undefined);

      const [mood, { vector: hydeVector, grounded }, like] = await Promise.all([
        moodVector,
        hyde,
        likeVector,
      ]);
      const moodQuery = hydeVector ? blend(mood, hydeVector, options.hydeWeight) : mood;
      // "More like this": the shown songs' centre weighs as much as the mood itself.
      const query = await shiftedQuery(
        like ? blend(moodQuery, like, 0.5) : moodQuery,
        request.refinement,
        embedder,
      );

      const candidates = await retrieve(
        index,
        { query, request, lexicalGroups: plan.lexicalGroups, suggested: grounded?.candidates ?? [] },
        options,
        timed,
      );

      const demote =
        deps.feedback && request.groupId && options.feedbackWeight
          ? await timed('feedback', () =>
              demotionsOf(deps.feedback, request.groupId, candidates, options.feedbackWeight ?? 0),
            )
          : undefined;
      const t = performance.now();
      const ranked = rerank(candidates, {
        size: request.size,
        maxPerArtist: options.maxPerArtist,
        popularityWeight: options.popularityWeight,
        seed: request.seed,
        demote,
      });
      timings.rerank = Math.round(performance.now() - t);

      const [resolved, titleText] = await Promise.all([
        timed('links', () =>
          links.resolve(ranked.map((c) => ({ songId: c.id, name: c.name, artist: c.artist }))),
        ),
        title,
      ]);
      const reasons =
        explainer?.explain(request.text, ranked) ?? ranked.map(() => 'close to the mood overall');

      const alsoOn = options.linkPlatforms?.some((p) => p !== 'spotify') ? options.linkPlatforms : undefined;
      const tracks: Track[] = ranked.map((c, i) => ({
        songId: c.id,
        name: c.name,
        artist: c.artist,
        year: c.year,
        similarity: c.similarity,
        popularity: c.popularity,
        score: c.score,
        spotifyUrl: resolved[i]?.url ?? '',
        ...(alsoOn ? { alsoOn: otherLinks(alsoOn, c.name, c.artist) } : {}),
        why: reasons[i] ?? '',
      }));
      timings.total = Math.round(performance.now() - started);
      return {
        title: titleText,
        // Said in the asker's words; a refinement adds what it applied and what it could not.
        description: describe(tracks.length, asked.text, plan, refinementNote(request.refinement)),
        mood: request.text,
        tracks,
        providers: { embedder: embedder.model, writer: writer.name, links: links.name },
        timings,
      };
    },
  };
}

/**
 * The playlist's description in the asker's words, and what a refinement applied and could not; with a note,
 * the mood is cut so the note survives the renderers' limits (Discord shows 230 characters of it).
 */
function describe(count: number, mood: string, plan: RequestPlan, note: string | undefined): string {
  if (!note) return describePlaylist(count, mood, plan);
  return `${describePlaylist(count, ellipsize(mood, 60), plan)} · ${note}`;
}
