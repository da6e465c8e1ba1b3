/**
 * Scenes and times of day — what a request is *about* rather than how it feels: "late night drive through
 * neon rain" names night, driving, rain and the city, none of which is a mood. Read as moods they went
 * through the mood classifier, which put "drive" and "late" near energy and anger; read here, they stay
 * themes: the local embedder carries them as dimensions of their own, the lexical search looks for their
 * catalog words in tags and titles, and a theme the catalog has no song for is named in the playlist's
 * description instead of being quietly replaced by the nearest mood.
 *
 * Like the mood lexicon, this names words, never songs or artists, so it applies to any catalog.
 */
import { tokenize } from './tokenize.ts';

export interface Theme {
  /** Stable key, also the dimension's name: `night`, `driving`. */
  readonly name: string;
  /** How a playlist description names it: "No Christmas songs in this catalog". */
  readonly label: string;
  /**
   * Words (or two-word phrases) that put the theme in a request: "3am", "road trip". In a song's own
   * text only `catalog` words count — "Car Wash" is not a driving song.
   */
  readonly triggers: readonly string[];
  /** Words a song about the theme carries in its tags or title; the lexical search looks for these. */
  readonly catalog: readonly string[];
}

export const THEMES: readonly Theme[] = [
  {
    name: 'night',
    label: 'late-night',
    triggers: [
      'night',
      'nights',
      'nighttime',
      'late',
      'late-night',
      'midnight',
      'tonight',
      '1am',
      '2am',
      '3am',
      '4am',
      'nocturnal',
      'insomnia',
      'sleepless',
      'after dark',
      'small hours',
    ],
    catalog: ['night', 'nights', 'midnight', 'tonight', 'nocturnal'],
  },
  {
    name: 'driving',
    label: 'driving',
    triggers: [
      'drive',
      'driving',
      'road',
      'roadtrip',
      'road trip',
      'highway',
      'freeway',
      'interstate',
      'car',
      'cruise',
      'cruising',
      'commute',
      'windows down',
    ],
    catalog: ['driving', 'drive', 'road', 'highway', 'cruising', 'freeway'],
  },
  {
    name: 'rain',
    label: 'rain',
    triggers: [
      'rain',
      'rainy',
      'raining',
      'rainfall',
      'storm',
      'stormy',
      'drizzle',
      'thunderstorm',
      'downpour',
    ],
    catalog: ['rain', 'rainy', 'storm'],
  },
  {
    name: 'snow',
    label: 'snow',
    triggers: ['snow', 'snowy', 'snowing', 'snowfall', 'blizzard', 'snowflake'],
    catalog: ['snow', 'snowy', 'snowflake'],
  },
  {
    name: 'winter',
    label: 'winter',
    triggers: ['winter', 'wintry', 'frosty', 'frost'],
    catalog: ['winter', 'frost'],
  },
  {
    name: 'christmas',
    label: 'Christmas',
    triggers: ['christmas', 'xmas', 'santa', 'sleigh', 'mistletoe', 'yuletide', 'noel', 'advent'],
    catalog: ['christmas', 'xmas', 'santa', 'mistletoe', 'sleigh'],
  },
  {
    name: 'beach',
    label: 'beach',
    triggers: ['beach', 'seaside', 'ocean', 'surf', 'surfing', 'shore', 'waves', 'island', 'tropical'],
    catalog: ['beach', 'ocean', 'surf', 'surfin', 'seaside', 'island'],
  },
  {
    name: 'summer',
    label: 'summer',
    triggers: ['summer', 'summertime', 'july', 'august', 'heatwave'],
    catalog: ['summer', 'summertime'],
  },
  {
    name: 'sunset',
    label: 'sunset',
    triggers: ['sunset', 'dusk', 'golden hour', 'twilight', 'sundown'],
    catalog: ['sunset', 'dusk', 'twilight', 'sundown'],
  },
  {
    name: 'morning',
    label: 'morning',
    triggers: ['morning', 'mornings', 'sunrise', 'dawn', 'daybreak', 'breakfast', 'wake-up'],
    catalog: ['morning', 'sunrise', 'dawn'],
  },
  {
    name: 'city',
    label: 'city',
    triggers: ['city', 'cities', 'urban', 'downtown', 'neon', 'streets', 'skyline', 'metropolis', 'subway'],
    catalog: ['city', 'downtown', 'streets', 'neon', 'skyline'],
  },
  {
    name: 'wedding',
    label: 'wedding',
    triggers: ['wedding', 'bride', 'bridal', 'marry', 'marriage', 'first dance', 'newlyweds'],
    catalog: ['wedding', 'marry', 'bride'],
  },
  {
    name: 'focus',
    label: 'focus',
    triggers: [
      'focus',
      'focused',
      'concentrate',
      'concentration',
      'study',
      'studying',
      'homework',
      'coding',
      'deep work',
    ],
    catalog: ['focus', 'study'],
  },
  {
    name: 'workout',
    label: 'workout',
    triggers: ['workout', 'gym', 'running', 'jog', 'jogging', 'lifting', 'cardio', 'training', 'treadmill'],
    catalog: ['workout', 'gym', 'running'],
  },
  {
    name: 'autumn',
    label: 'autumn',
    triggers: ['autumn', 'fall leaves', 'october', 'november'],
    catalog: ['autumn'],
  },
  {
    name: 'halloween',
    label: 'Halloween',
    triggers: ['halloween', 'spooky', 'haunted'],
    catalog: ['halloween', 'haunted'],
  },
];

/** A theme the text names, and the words of the text that named it. */
export interface ThemeMatch {
  readonly theme: Theme;
  readonly words: readonly string[];
}

const byTrigger = new Map<string, Theme>();
const byCatalogWord = new Map<string, Theme>();
for (const theme of THEMES) {
  for (const trigger of theme.triggers) byTrigger.set(trigger, theme);
  for (const word of theme.catalog) byCatalogWord.set(word, theme);
}

/**
 * The themes a request names, in the order it names them. Two-word phrases ("road trip") are read before
 * single words; "3 am" is read as "3am".
 */
export function themesOfRequest(text: string): ThemeMatch[] {
  const tokens = joinClockTimes(tokenize(text));
  const found = new Map<string, { theme: Theme; words: string[] }>();
  const add = (theme: Theme, word: string) => {
    const entry = found.get(theme.name) ?? { theme, words: [] };
    entry.words.push(...word.split(' '));
    found.set(theme.name, entry);
  };
  for (let i = 0; i < tokens.length; i++) {
    const pair = `${tokens[i]} ${tokens[i + 1] ?? ''}`;
    const phrase = byTrigger.get(pair);
    if (phrase) {
      add(phrase, pair);
      i++;
      continue;
    }
    const theme = byTrigger.get(tokens[i] ?? '');
    if (theme) add(theme, tokens[i] ?? '');
  }
  return [...found.values()];
}

/** The themes a song's own text (title, tags, genre) carries: only catalog words count. */
export function themesOfDocument(text: string): Theme[] {
  const found = new Map<string, Theme>();
  for (const token of tokenize(text)) {
    const theme = byCatalogWord.get(token);
    if (theme) found.set(theme.name, theme);
  }
  return [...found.values()];
}

/** Every word a request used to name a theme, so the mood classifier can leave them out. */
export function themeWordsOf(matches: readonly ThemeMatch[]): Set<string> {
  return new Set(matches.flatMap((m) => m.words));
}

/** "3 am" → "3am", so a typed clock time reads as the one word the theme lists. */
function joinClockTimes(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const next = tokens[i + 1];
    if (/^\d{1,2}$/.test(token) && (next === 'am' || next === 'pm')) {
      out.push(`${token}${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}
