/**
 * The offline writer. HyDE becomes query expansion: the mood's meaningful words plus their nearest
 * neighbours in the word-vector space ("rainy" → "drizzle", "gloomy"…), which the pipeline embeds and
 * blends with the mood. Titles follow a daylist-style template ("rainy nostalgic sunday" →
 * "Rain-Soaked Nostalgia Sunday").
 */
import type { Writer } from '../ports.ts';
import type { LocalEmbedder } from './embedder.ts';

// Neighbours are drawn from the 40K most frequent words: rarer ones are mostly names and misspellings.
const NEIGHBOUR_VOCABULARY = 40_000;
const NEIGHBOURS_PER_WORD = 4;
const MIN_NEIGHBOUR_SIMILARITY = 0.55;
/** Words with a SIF weight below this are function words ("and", "the") and are not expanded. */
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
    const words = this.embedder.words(mood).filter((w) => w.weight >= CONTENT_WEIGHT);
    const seen = new Set(words.map((w) => w.rank));
    const expansion: string[] = words.map((w) => w.word);
    const sentence = this.embedder.vectorOf(words);
    // Neighbours of the whole mood first (they respect context: "blue" near "sad", not "red"),
    // then of each word.
    const probes = [sentence, ...words.map((w) => this.embedder.vectorOf([w]))];
    for (const probe of probes) {
      if (!probe) continue;
      for (const n of this.embedder.vectors.nearest(probe, NEIGHBOURS_PER_WORD, NEIGHBOUR_VOCABULARY, seen)) {
        if (n.similarity < MIN_NEIGHBOUR_SIMILARITY) continue;
        seen.add(n.rank);
        expansion.push(n.word);
      }
    }
    return expansion.join(' ');
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
