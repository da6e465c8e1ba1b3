/**
 * Text → vocabulary words for the GloVe embedder: lower case, accents folded (the vocabulary has
 * "beyonce", "corazon"), apostrophes dropped ("don't" → "dont"), common mood emoji read as words.
 */
const EMOJI_WORDS: Record<string, string> = {
  '😢': 'sad crying',
  '😭': 'crying sad',
  '💔': 'heartbreak',
  '❤️': 'love',
  '❤': 'love',
  '😍': 'love',
  '🥰': 'love',
  '😊': 'happy',
  '😀': 'happy',
  '😄': 'happy',
  '🎉': 'party',
  '🥳': 'party',
  '🔥': 'fire energetic',
  '💪': 'workout strong',
  '🏋️': 'workout',
  '😡': 'angry',
  '🤬': 'angry furious',
  '😤': 'angry',
  '😴': 'sleepy calm',
  '🌧️': 'rain',
  '🌧': 'rain',
  '☔': 'rain',
  '🌙': 'night',
  '🌃': 'night city',
  '☀️': 'sunny summer',
  '🌞': 'sunny summer',
  '🏖️': 'beach summer',
  '🌊': 'ocean',
  '🚗': 'driving',
  '🎸': 'rock guitar',
  '💃': 'dance',
  '🕺': 'dance',
  '🧘': 'calm meditation',
  '☕': 'coffee morning',
  '🍂': 'autumn',
  '❄️': 'winter snow',
  '🤘': 'rock metal',
  '😌': 'relaxed calm',
  '🥲': 'bittersweet',
  '👻': 'spooky',
};

const EMOJI_PATTERN = new RegExp(
  Object.keys(EMOJI_WORDS)
    .sort((a, b) => b.length - a.length)
    .map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'gu',
);

const WORD = /[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu;

export function tokenize(text: string): string[] {
  const spelled = text.normalize('NFKC').replace(EMOJI_PATTERN, (e) => ` ${EMOJI_WORDS[e] ?? ''} `);
  const folded = spelled
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/r&b/g, 'rnb soul');
  return (folded.match(WORD) ?? []).map((t) => t.replace(/'/g, ''));
}
