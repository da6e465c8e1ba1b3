/**
 * The offline default embedder. A text becomes three parts, concatenated:
 * - what it says: a smooth-inverse-frequency (SIF) weighted average of GloVe word vectors (Arora et al.,
 *   2017). Frequent words ("the", "and") weigh almost nothing; rare, meaningful ones carry the sentence.
 *   Word frequencies come from the vocabulary's rank order (Zipf's law), so no corpus is needed;
 * - how it feels: its profile over the moods of the mood lexicon (see `mood-space.ts`);
 * - what it is about: the scenes and times of day it names (`themes.ts`), a dimension per theme, present
 *   only when it names one. A request's theme words stay out of its mood profile: "late night drive" is
 *   about night and driving, not about anger.
 * Cosine similarity of two such vectors is MOOD_SHARE × agreement of mood profiles + the rest × agreement
 * of meaning, plus THEME_SHARE × agreement of themes when both name some.
 * A song known only by name and artist says little; what its title words and its artist's
 * GloVe neighbourhood say about mood is the part that finds it for a mood (bench/relevance.ts measures it).
 */
import { MoodError, MoodErrorCode } from '../errors.ts';
import type { Embedder, EmbedMode, Vector } from '../ports.ts';
import { MoodSpace } from './mood-space.ts';
import { THEMES, type Theme, themesOfDocument, themesOfRequest, themeWordsOf } from './themes.ts';
import { tokenize } from './tokenize.ts';
import { loadWordVectors, type WordVectors } from './word-vectors.ts';

/** SIF's smoothing constant: words rarer than ~a of the corpus keep most of their weight. */
const SIF_A = 1e-3;
/**
 * Share of the cosine similarity that comes from the mood profiles. High because for a mood query the
 * literal meaning of a song's name is mostly noise ("Sultans of Swing" is not about sultans); the meaning
 * part still breaks ties and carries queries the lexicon has no mood for.
 */
export const MOOD_SHARE = 0.87;
/**
 * Share of the norm the theme dimensions take in a text that names a theme. A text naming none has no
 * theme part, so a theme-less query ranks songs exactly as it did before themes existed; a query naming
 * "night" lifts the songs whose tags or title say night by this share × agreement.
 * Chosen on the development half of bench:relevance's themes set.
 */
export const THEME_SHARE = 0.3;
/**
 * Words frequent enough to pass as content by their SIF weight ("through" ranks ~150) that only connect a
 * scene's words: read as mood, "through" alone decided the mood of "late night drive through neon rain".
 */
const CONNECTIVES = new Set(
  'through throughout across along around after before during under over into onto upon within without toward towards between behind beneath beside near past while until'.split(
    ' ',
  ),
);
/** Bump when what a vector means changes (lexicon, weights), so a database re-embeds instead of mixing. */
const VERSION = 3;

export interface WeightedWord {
  readonly word: string;
  readonly rank: number;
  readonly weight: number;
}

export class LocalEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly moods: MoodSpace;
  readonly #harmonic: number;
  readonly #moodShare: number;
  readonly #themeShare: number;

  /**
   * `moods`: the mood space, trained here unless given (`loadLocalEmbedder` reads it from the cache).
   * `moodShare` other than the default is for measuring (bench:relevance); the model name does not record it.
   */
  constructor(
    readonly vectors: WordVectors,
    options: { readonly moodShare?: number; readonly themeShare?: number; readonly moods?: MoodSpace } = {},
  ) {
    this.#moodShare = options.moodShare ?? MOOD_SHARE;
    this.#themeShare = options.themeShare ?? THEME_SHARE;
    // Zipf: p(rank r) ≈ 1 / ((r + 1) · H_N), H_N ≈ ln N + γ.
    this.#harmonic = Math.log(vectors.size) + 0.5772;
    this.moods = options.moods ?? new MoodSpace(vectors);
    this.dimensions = vectors.dims + this.moods.size + THEMES.length;
    this.model = `local:glove-mood-${this.dimensions}@${VERSION}`;
  }

  /** SIF weight of the word with this frequency rank, in (0, 1). */
  weight(rank: number): number {
    const p = 1 / ((rank + 1) * this.#harmonic);
    return SIF_A / (SIF_A + p);
  }

  /** The known words of a text with their SIF weights; unknown words (typos, other scripts) are skipped. */
  words(text: string): WeightedWord[] {
    const out: WeightedWord[] = [];
    for (const token of tokenize(text)) {
      const candidates = token.includes('-') ? [token, ...token.split('-')] : [token];
      for (const candidate of candidates) {
        const rank = this.vectors.rank(candidate);
        if (rank !== undefined) {
          out.push({ word: candidate, rank, weight: this.weight(rank) });
          break;
        }
      }
    }
    return out;
  }

  /** The SIF sentence vector of weighted words, unit length, or undefined when none is known. */
  vectorOf(words: readonly WeightedWord[]): Vector | undefined {
    if (words.length === 0) return undefined;
    const v = new Float32Array(this.vectors.dims);
    for (const w of words) this.vectors.addTo(v, w.rank, w.weight);
    return normalize(v);
  }

  /**
   * The words of a request that speak to mood: not its theme words (unless the mood lexicon lists them:
   * "summer" is a joyful cue, "drive" is nothing), and not the connecting words a scene is told with.
   */
  moodWords(
    words: readonly WeightedWord[],
    mode: EmbedMode,
    themeWords: ReadonlySet<string>,
  ): WeightedWord[] {
    if (mode === 'document') return [...words];
    return words.filter(
      (w) => !CONNECTIVES.has(w.word) && (!themeWords.has(w.word) || this.moods.names(w.word, mode)),
    );
  }

  /** The themes a text names: a request's triggers ("3am", "road trip"), a song's catalog words. */
  themesOf(text: string, mode: EmbedMode): Theme[] {
    return mode === 'query' ? themesOfRequest(text).map((m) => m.theme) : themesOfDocument(text);
  }

  /**
   * The text's embedding: meaning, mood profile and themes, unit length, or undefined when no word is known.
   * `themes` are the text's themes (see `themesOf`); in a request, the words that named them are left out
   * of the mood profile unless the mood lexicon itself lists them ("summer" is a joyful cue, "drive" is not).
   */
  vectorOfText(
    words: readonly WeightedWord[],
    mode: EmbedMode,
    themes: readonly Theme[] = [],
    themeWords: ReadonlySet<string> = new Set(),
  ): Vector | undefined {
    const meaning = this.vectorOf(words);
    if (!meaning) return undefined;
    const profile = this.moods.profile(this.moodWords(words, mode, themeWords), mode);
    const out = new Float32Array(this.dimensions);
    const themeShare = themes.length > 0 ? this.#themeShare : 0;
    const meaningScale = Math.sqrt((1 - this.#moodShare) * (1 - themeShare));
    const moodScale = Math.sqrt(this.#moodShare * (1 - themeShare));
    for (let d = 0; d < meaning.length; d++) out[d] = (meaning[d] ?? 0) * meaningScale;
    const moodAt = meaning.length;
    for (let k = 0; k < profile.length; k++) out[moodAt + k] = (profile[k] ?? 0) * moodScale;
    const themeAt = moodAt + this.moods.size;
    // Each named theme weighs the same: a song about night and driving matches "late night drive" best.
    const themeScale = Math.sqrt(themeShare / Math.max(1, themes.length));
    for (const theme of themes) {
      const k = THEMES.findIndex((t) => t.name === theme.name);
      if (k >= 0) out[themeAt + k] = themeScale;
    }
    return normalize(out);
  }

  async embed(texts: readonly string[], mode: EmbedMode): Promise<Vector[]> {
    return texts.map((text) => {
      const matches = mode === 'query' ? themesOfRequest(text) : [];
      const themes = mode === 'query' ? matches.map((m) => m.theme) : themesOfDocument(text);
      const v = this.vectorOfText(this.words(text), mode, themes, themeWordsOf(matches));
      if (v) return v;
      if (mode === 'query') {
        throw new MoodError(MoodErrorCode.MoodNotUnderstood, 'No known words in the mood text');
      }
      // A document with no known word (e.g. a title in another script) still needs a valid vector:
      // a fixed direction far from any query keeps it out of results rather than failing the batch.
      const fallback = new Float32Array(this.dimensions);
      fallback[0] = 1;
      return fallback;
    });
  }
}

/** The local embedder from the caches in `cacheDir` (word vectors, mood classifier), building them once. */
export async function loadLocalEmbedder(
  cacheDir: string,
  options: { readonly moodShare?: number; readonly themeShare?: number } = {},
): Promise<LocalEmbedder> {
  const vectors = await loadWordVectors(cacheDir);
  return new LocalEmbedder(vectors, { ...options, moods: await MoodSpace.load(vectors, cacheDir) });
}

export function normalize(v: Float32Array): Float32Array | undefined {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return undefined;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
