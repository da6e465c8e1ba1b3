/**
 * The offline writer. HyDE becomes query expansion: the mood's own words, then the feeling, genre and texture
 * words of the moods it leans to in the mood lexicon ("songs to scream along to in traffic" → "… angry rage
 * furious … metal thrash hardcore punk"), which the pipeline embeds as a document and blends with the mood.
 * Titles follow a daylist-style template ("rainy nostalgic sunday" → "Rain-Soaked Nostalgia Sunday").
 *
 * An earlier version expanded with each word's nearest GloVe neighbours; on the relevance benchmark's
 * development half that blend cost up to 0.06 mean precision@10 against no HyDE at all, because the
 * neighbours of "coffee" or "traffic" say nothing about mood. This expansion is level with no HyDE there.
 */
import type { Writer } from '../ports.ts';
import type { LocalEmbedder } from './embedder.ts';
import { themesOfRequest, themeWordsOf } from './themes.ts';

/** Moods below this share of the request's mood distribution are not expanded. */
const MIN_LEANING = 0.15;
const MAX_MOODS = 3;
/** Words with a SIF weight below this are function words ("and", "the"). */
const CONTENT_WEIGHT = 0.35;

/** Daylist-style renderings for common mood words; anything else is title-cased. */
const TITLE_WORDS: Record<string, string> = {
  rainy: 'Rain-Soaked',
  rain: 'Rain-Soaked',
  nostalgic: 'Nostalgia',
  nostalgia: 'Nostalgia',
  sad: 'Blue',
  crying: 'Teary',
  heartbroken: 'Heartbreak',
  heartbreak: 'Heartbreak',
  happy: 'Sunny',
  angry: 'Rage',
  furious: 'Rage',
  chill: 'Chill',
  relaxed: 'Slow',
  calm: 'Calm',
  night: 'Late Night',
  late: 'Late',
  drive: 'Drive',
  driving: 'Drive',
  workout: 'Workout',
  gym: 'Workout',
  party: 'Party',
  summer: 'Summer',
  winter: 'Winter',
  autumn: 'Autumn',
  fall: 'Autumn',
  dreamy: 'Dreamy',
  hopeful: 'Hopeful',
  lonely: 'Lonely',
  romantic: 'Romance',
  love: 'Love',
  focus: 'Focus',
  study: 'Study',
  neon: 'Neon',
  morning: 'Morning',
  coffee: 'Coffee',
  sleepy: 'Sleepy',
  energetic: 'High-Energy',
  pump: 'Pump-Up',
};
const DAY_PARTS = new Set([
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'morning',
  'afternoon',
  'evening',
  'night',
  'midnight',
  'weekend',
]);
const ENDINGS = ['Mix', 'Hours', 'Radio', 'Mood', 'Feels', 'Session'];
const MAX_TITLE_WORDS = 4;

export class LocalWriter implements Writer {
  readonly name = 'local';

  constructor(private readonly embedder: LocalEmbedder) {}

  async hypotheticalLyrics(mood: string): Promise<string> {
    const words = this.embedder.words(mood);
    const themes = themesOfRequest(mood);
    const expansion = words.filter((w) => w.weight >= CONTENT_WEIGHT).map((w) => w.word);
    // A scene expands into the words songs about it carry ("3am" → night, midnight), and only what the
    // request says about feeling expands into moods: "drive" is no reason to add "rage" and "thrash".
    for (const { theme } of themes) expansion.push(...theme.catalog);
    const moodWords = this.embedder.moodWords(words, 'query', themeWordsOf(themes));
    for (const { mood: leaning } of this.embedder.moods
      .leanings(moodWords, 'query', MIN_LEANING)
      .slice(0, MAX_MOODS)) {
      expansion.push(...`${leaning.feel} ${leaning.sound}`.split(' '));
    }
    return [...new Set(expansion)].join(' ');
  }

  async title(mood: string): Promise<string> {
    return daylistTitle(this.embedder, mood);
  }
}

/**
 * "rainy nostalgic sunday" → "Rain-Soaked Nostalgia Sunday": the mood's two strongest words in the order
 * they were typed, then its day part ("Sunday", "Late Night") or a daylist-style ending ("Mix", "Hours").
 */
export function daylistTitle(embedder: LocalEmbedder, mood: string): string {
  const words = embedder.words(mood).filter((w) => w.weight >= CONTENT_WEIGHT || DAY_PARTS.has(w.word));
  const dayPart = words.find((w) => DAY_PARTS.has(w.word))?.word;
  const content = words.filter((w) => !DAY_PARTS.has(w.word) && w.word !== 'late');
  const strongest = new Set(
    [...content]
      .sort((a, b) => b.weight - a.weight)
      .slice(0, MAX_TITLE_WORDS - 2)
      .map((w) => w.word),
  );
  const picked = content.filter((w) => strongest.delete(w.word)).map((w) => w.word);
  const rendered = [...new Set(picked.map((w) => TITLE_WORDS[w] ?? titleCase(w)))];
  if (dayPart) rendered.push(TITLE_WORDS[dayPart] ?? titleCase(dayPart));
  if (rendered.length === 0) return 'Mood Mix';
  if (!dayPart) rendered.push(ENDINGS[hash(mood) % ENDINGS.length] ?? 'Mix');
  return rendered.join(' ').slice(0, 60);
}

function titleCase(word: string): string {
  return word
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
