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

/**
 * Slack sends emoji as shortcodes (`:tada:`), and Discord users type them: the same words as the emoji.
 * Any other `:shortcode:` is markup, not a mood word ("Tada High-Energy Mix" was a title once).
 */
const SHORTCODE_WORDS: Record<string, string> = {
  cry: 'sad crying',
  sob: 'crying sad',
  broken_heart: 'heartbreak',
  heart: 'love',
  heart_eyes: 'love',
  smiling_face_with_3_hearts: 'love',
  blush: 'happy',
  grinning: 'happy',
  smile: 'happy',
  tada: 'party',
  partying_face: 'party',
  fire: 'fire energetic',
  muscle: 'workout strong',
  weight_lifter: 'workout',
  rage: 'angry',
  face_with_symbols_on_mouth: 'angry furious',
  triumph: 'angry',
  sleeping: 'sleepy calm',
  rain_cloud: 'rain',
  umbrella_with_rain_drops: 'rain',
  crescent_moon: 'night',
  night_with_stars: 'night city',
  sunny: 'sunny summer',
  sun_with_face: 'sunny summer',
  beach_with_umbrella: 'beach summer',
  ocean: 'ocean',
  car: 'driving',
  red_car: 'driving',
  guitar: 'rock guitar',
  dancer: 'dance',
  man_dancing: 'dance',
  person_in_lotus_position: 'calm meditation',
  coffee: 'coffee morning',
  fallen_leaf: 'autumn',
  snowflake: 'winter snow',
  the_horns: 'rock metal',
  sign_of_the_horns: 'rock metal',
  relieved: 'relaxed calm',
  smiling_face_with_tear: 'bittersweet',
  ghost: 'spooky',
};

/** `:name:` or `:name::skin-tone-2:`, not inside a word or a time ("10:30:00"). */
const SHORTCODE = /(?<![\w:]):([a-z0-9_+-]*[a-z][a-z0-9_+-]*):(?::skin-tone-\d:)?(?![\w:])/g;

const EMOJI_PATTERN = new RegExp(
  Object.keys(EMOJI_WORDS)
    .sort((a, b) => b.length - a.length)
    .map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'gu',
);

const WORD = /[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu;

export function tokenize(text: string): string[] {
  const spelled = text
    .normalize('NFKC')
    .replace(EMOJI_PATTERN, (e) => ` ${EMOJI_WORDS[e] ?? ''} `)
    .replace(SHORTCODE, (_, name: string) => ` ${SHORTCODE_WORDS[name.toLowerCase()] ?? ''} `);
  const folded = spelled
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/r&b/g, 'rnb soul');
  return (folded.match(WORD) ?? []).map((t) => t.replace(/'/g, ''));
}
