/**
 * The recommendation pipeline: mood text in, `Playlist` out.
 *
 *   title(mood) ∥ embed(mood) ∥ (HyDE text → embed) → blend → vector search → re-rank → Spotify links, why
 *
 * Independent stages run concurrently and every stage is timed. A HyDE failure degrades to the mood
 * vector alone; an embedding failure is a retryable `MoodError` for the caller to report.
 */
import { MoodError, MoodErrorCode } from './errors.ts';
import type { Embedder, Explainer, LinkResolver, SongIndex, Vector, Writer } from './ports.ts';
import { rerank } from './rerank.ts';
import type { MoodRequest, Playlist, StageTimings, Track } from './types.ts';

export interface RecommendOptions {
  readonly hydeEnabled: boolean;
  /** Weight of the HyDE vector in the blend; the mood vector gets the rest. */
  readonly hydeWeight: number;
  readonly candidatePool: number;
  readonly maxPerArtist: number;
  readonly popularityWeight: number;
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
  readonly options: RecommendOptions;
  readonly onDegraded?: (stage: 'hyde', error: unknown) => void;
}

export interface Recommender {
  recommend(request: MoodRequest): Promise<Playlist>;
}

export function createRecommender(deps: RecommenderDeps): Recommender {
  const { writer, index, links, explainer, options } = deps;

  return {
    async recommend(request) {
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
      const title = timed('title', () => writer.title(request.text, []));
      title.catch(() => {});
      const moodVector = timed('embedMood', async () => first(await embedder.embed([request.text], 'query')));
      const hydeVector = options.hydeEnabled
        ? timed('hyde', () => writer.hypotheticalLyrics(request.text))
            .then((lyrics) =>
              timed('embedHyde', async () => first(await embedder.embed([lyrics], 'document'))),
            )
            .catch((error: unknown) => {
              deps.onDegraded?.('hyde', error);
              return undefined;
            })
        : Promise.resolve(undefined);

      const likeVector = request.likeSongIds?.length
        ? index.vectorsOf(request.likeSongIds).then(centroid)
        : Promise.resolve(undefined);

      const [mood, hyde, like] = await Promise.all([moodVector, hydeVector, likeVector]);
      const moodQuery = hyde ? blend(mood, hyde, options.hydeWeight) : mood;
      // "More like this": the shown songs' centre weighs as much as the mood itself.
      const query = like ? blend(moodQuery, like, 0.5) : moodQuery;

      const candidates = await timed('search', () =>
        index.search(query, {
          limit: Math.max(options.candidatePool, request.size * 4),
          filters: request.filters,
          excludeSongIds: request.excludeSongIds,
        }),
      );
      if (candidates.length === 0) {
        const filtered = request.filters?.yearFrom !== undefined || request.filters?.yearTo !== undefined;
        throw filtered
          ? new MoodError(MoodErrorCode.NoMatches, 'No song passes the filters')
          : new MoodError(MoodErrorCode.CatalogEmpty, 'The catalog has no songs');
      }

      const t = performance.now();
      const ranked = rerank(candidates, {
        size: request.size,
        maxPerArtist: options.maxPerArtist,
        popularityWeight: options.popularityWeight,
        seed: request.seed,
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

      const tracks: Track[] = ranked.map((c, i) => ({
        songId: c.id,
        name: c.name,
        artist: c.artist,
        year: c.year,
        similarity: c.similarity,
        popularity: c.popularity,
        score: c.score,
        spotifyUrl: resolved[i]?.url ?? '',
        why: reasons[i] ?? '',
      }));
      timings.total = Math.round(performance.now() - started);
      return {
        title: titleText,
        description: `${tracks.length} songs for “${request.text}”`,
        mood: request.text,
        tracks,
        providers: { embedder: embedder.model, writer: writer.name, links: links.name },
        timings,
      };
    },
  };
}

function first(vectors: Vector[]): Vector {
  const v = vectors[0];
  if (!v)
    throw new MoodError(MoodErrorCode.EmbeddingUnavailable, 'The embedder returned no vector', {
      retryable: true,
    });
  return v;
}

/** The normalised mean of unit vectors, or undefined for none. */
function centroid(vectors: Vector[]): Vector | undefined {
  const [head] = vectors;
  if (!head) return undefined;
  const sum = new Float32Array(head.length);
  for (const v of vectors) for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) + (v[i] ?? 0);
  return blend(sum, sum, 0);
}

/** (1 − w)·a + w·b, renormalised to unit length. */
export function blend(a: Vector, b: Vector, weight: number): Vector {
  const out = new Float32Array(a.length);
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    const v = (1 - weight) * (a[i] ?? 0) + weight * (b[i] ?? 0);
    out[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / norm;
  return out;
}
