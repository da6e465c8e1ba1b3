/**
 * "Why this song": the song's own catalog words that match the mood, read the way the local embedder reads
 * them. Tags and genre count when they sit close to the mood in the word-vector space; title and artist
 * words count when they lean to the same mood as the request does in the mood lexicon's space (the part of
 * the embedding that finds a song known only by name and artist). It names only words the catalog holds
 * and the mood they share with the request, so it cannot invent a reason.
 */
import type { ExplainableSong, Explainer } from '../ports.ts';
import type { LocalEmbedder, WeightedWord } from './embedder.ts';

/** A tag (or genre) explains the pick when its word vector is this close to the request's. */
const MIN_SIMILARITY = 0.35;
/**
 * A title word's literal meaning explains the pick only for a rarer word close to the request: frequent words
 * ("me", "take", "name") sit near every sentence vector, which is mostly their common direction.
 */
const MIN_LITERAL_SIMILARITY = 0.5;
const MIN_LITERAL_WEIGHT = 0.9;
/** Title and artist words at least this SIF weight are content words ("by", "the" are not). */
const MIN_WORD_WEIGHT = 0.5;
/**
 * A word explains the pick when its mood distribution and the request's overlap this much
 * (Σ p_request · p_word; two unrelated texts overlap ≈ 1/16, one clear shared mood ≈ 0.5 and more).
 */
const MIN_AGREEMENT = 0.25;
const MAX_REASONS = 3;

interface Reason {
  /** The catalog word or tag the reason rests on: one reason per word. */
  readonly key: string;
  readonly text: string;
  readonly strength: number;
  readonly from: 'tag' | 'title' | 'artist';
}

export class LocalExplainer implements Explainer {
  constructor(private readonly embedder: LocalEmbedder) {}

  explain(mood: string, songs: readonly ExplainableSong[]): string[] {
    const moodWords = this.embedder.words(mood);
    const moodVector = this.embedder.vectorOf(moodWords);
    const moodLeaning = this.embedder.moods.distribution(moodWords, 'query');
    return songs.map((song) => {
      if (!moodVector) return 'close to the mood overall';
      // A word that leans to the request's mood says more than the same word's literal closeness: first wins.
      const seen = new Set<string>();
      const top = [
        ...this.#tagReasons(song, moodVector),
        ...(moodLeaning ? this.#wordReasons(song, moodLeaning) : []),
        ...this.#literalReasons(song, moodVector),
      ]
        .filter((r) => !seen.has(r.key) && seen.add(r.key))
        .sort((a, b) => b.strength - a.strength)
        .slice(0, MAX_REASONS);
      if (top.length === 0) return 'close to the mood overall';
      const of = (from: Reason['from']) => top.filter((r) => r.from === from).map((r) => r.text);
      return [
        of('tag').join(', '),
        of('title').length > 0 ? `title: ${of('title').join(', ')}` : '',
        of('artist').length > 0 ? `artist: ${of('artist').join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
    });
  }

  /** Tags and genre close to the mood in the word-vector space. */
  #tagReasons(song: ExplainableSong, moodVector: Float32Array): Reason[] {
    return [...song.tags, ...(song.genre ? [song.genre] : [])].flatMap((tag) => {
      const v = this.embedder.vectorOf(this.embedder.words(tag));
      const similarity = v ? dot(v, moodVector) : 0;
      return similarity >= MIN_SIMILARITY
        ? [{ key: `tag:${tag}`, text: tag, strength: similarity, from: 'tag' as const }]
        : [];
    });
  }

  /** Title words whose meaning is close to the request's words ("Rain" for "rainy sunday"). */
  #literalReasons(song: ExplainableSong, moodVector: Float32Array): Reason[] {
    return this.embedder
      .words(song.name)
      .filter((w) => w.weight >= MIN_LITERAL_WEIGHT)
      .flatMap((w) => {
        const similarity = this.embedder.vectors.similarity(w.rank, moodVector);
        return similarity >= MIN_LITERAL_SIMILARITY
          ? [{ key: `title:${w.word}`, text: `“${w.word}”`, strength: similarity, from: 'title' as const }]
          : [];
      });
  }

  /** Title and artist words that lean to the request's moods: “Crying” → sad, “Metallica” → angry. */
  #wordReasons(song: ExplainableSong, moodLeaning: Float32Array): Reason[] {
    const fields = [
      { from: 'title' as const, words: this.embedder.words(song.name) },
      { from: 'artist' as const, words: song.artist ? this.embedder.words(song.artist) : [] },
    ];
    return fields.flatMap(({ from, words }) =>
      words
        .filter((w) => w.weight >= MIN_WORD_WEIGHT)
        .flatMap((w) => {
          const shared = this.#shared(w, moodLeaning);
          return shared && shared.agreement >= MIN_AGREEMENT
            ? [
                {
                  key: `${from}:${w.word}`,
                  text: `“${w.word}” → ${shared.mood}`,
                  strength: shared.agreement,
                  from,
                },
              ]
            : [];
        }),
    );
  }

  /** How much the word's mood distribution overlaps the request's, and the mood they share most. */
  #shared(word: WeightedWord, moodLeaning: Float32Array): { agreement: number; mood: string } | undefined {
    const p = this.embedder.moods.distribution([word], 'document');
    if (!p) return undefined;
    let agreement = 0;
    let best = 0;
    let bestShare = -1;
    for (let k = 0; k < p.length; k++) {
      const share = (p[k] ?? 0) * (moodLeaning[k] ?? 0);
      agreement += share;
      if (share > bestShare) {
        bestShare = share;
        best = k;
      }
    }
    const mood = this.embedder.moods.moods[best]?.name;
    return mood ? { agreement, mood } : undefined;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
