/**
 * The words a follow-up is read with (refinement.ts): the genre table and the catalog words each typed genre
 * stands for, the modifiers that make compounds, comparatives, mood words, filler, the cues ("no", "only",
 * "more", "less") and year cues, the decades, and the patterns for asks the catalog cannot answer; with the
 * lexer that cuts the text into the folded tokens these tables are keyed by, and the decade reader. Data, not
 * logic: a new synonym or filler word is a change here alone, and the parser reads as the grammar it is.
 */
import { normalizeArtist } from './normalize.ts';

/** Typed forms (folded by normalizeArtist: "hip-hop" → "hip hop", "r&b" → "r and b") → catalog words, the first naming the group. */
const GENRES: readonly (readonly [typed: string, catalog: string])[] = [
  ['rap|hip hop|hiphop', 'rap|hip hop|hip-hop|hiphop|trap'],
  ['r and b|rnb|rhythm and blues', 'r&b|rnb|rhythm and blues'],
  ['edm', 'edm|electronic|electronica|dance|house'],
  ['electronic|electronica', 'electronic|electronica|edm'],
  ['dance', 'dance|edm'],
  ['drum and bass|drum n bass|dnb|d and b', 'drum and bass|drum n bass|drum & bass|dnb'],
  ['metal|heavy metal', 'metal|metalcore'],
  ['k pop|kpop', 'k-pop|kpop'],
  ['lo fi|lofi', 'lo-fi|lofi'],
  ['latin', 'latin|reggaeton'],
  ['gospel|christian', 'gospel|christian'],
  ['christmas|xmas', 'christmas|xmas'],
  ['ballads|ballad|power ballads', 'ballad|ballads'],
  ['love songs|love song', 'love songs|love song'],
  ['rock and roll|rock n roll|rocknroll', "rock and roll|rock n roll|rock'n'roll"],
  ['alternative|alt', 'alternative'],
  ['soundtrack|soundtracks', 'soundtrack'],
  ['afrobeats|afrobeat', 'afrobeats|afrobeat'],
  ...'trap country pop rock punk jazz blues soul funk disco house techno trance dubstep reggae reggaeton classical folk indie emo grunge instrumental acoustic ambient ska opera dancehall bluegrass grime'
    .split(' ')
    .map((g) => [g, g] as const),
];
export const GENRE = new Map(
  GENRES.flatMap(([typed, catalog]) => typed.split('|').map((t) => [t, catalog.split('|')])),
);
export const GROUP = new Map(GENRES.map(([, catalog]) => [catalog.split('|')[0] ?? '', catalog.split('|')]));
const words = (list: string) => new Set(list.split(' '));
/** Words that make a compound with the genre after them: "soft rock", "death metal" (as "punk rock" does). */
export const MODIFIERS = words(
  'soft hard classic death black nu prog progressive psychedelic dream synth gangsta deep acid smooth glam thrash garage yacht math post',
);
export const COMPARATIVE = new Map(
  [
    ...words(
      'calmer:calm happier:happy sadder:sad faster:fast slower:slow darker:dark softer:soft heavier:heavy chiller:chill louder:loud quieter:quiet groovier:groovy funkier:funky dreamier:dreamy moodier:moody brighter:bright mellower:mellow angrier:angry gentler:gentle sweeter:sweet warmer:warm jazzier:jazzy edgier:edgy sexier:sexy spookier:spooky gloomier:gloomy sleepier:sleepy bouncier:bouncy sunnier:sunny punchier:punchy wilder:wild smoother:smooth livelier:lively harder:hard',
    ),
  ].map((pair) => pair.split(':') as [string, string]),
);
export const COMPARATIVE_OF = new Map([...COMPARATIVE].map(([more, base]) => [base, more]));
export const NOUNS = new Map([
  ['energy', 'energetic'],
  ['intensity', 'intense'],
]);
export const MOODS = new Set([
  ...COMPARATIVE.values(),
  ...words(
    'upbeat energetic intense romantic aggressive depressing melancholy melancholic emotional dramatic cheesy hype relaxing relaxed danceable',
  ),
]);
/** Moving away from these reads as "calmer". */
export const CALMING = words('upbeat energetic intense');
export const FILLER = words(
  'please pls plz thanks thx slightly way much bit but and also so too very really kinda somewhat rather maybe perhaps even lot just only more less pretty quite song songs music track tracks tune tunes stuff ones playlist instead now',
);
export const FILLER_PHRASE =
  /^(?:a little bit|a little|a bit|a lot|a tad|make it|make them|i want|i would like|id like|can you|could you|can we|give me|thank you|more like this|like this)(?= |$)/;
/** Skipped between a cue and what it applies to: "less of the rap", "no songs by Drake". */
export const CUE_SKIP = words('of any a an all that those these such by some kind type sort');
export const CONNECT = words('or nor and , /');
export const YEAR_CUES = words('before pre after post since from until till through in during between');
export const RANGE_JOIN = words('or and to through till until , - – —');
const DECADES = new Map(
  [...words('forties fifties sixties seventies eighties nineties')].map((w, i) => [w, 1940 + 10 * i]),
);
DECADES.set('noughties', 2000).set('aughts', 2000);
export const DECADE_PART = new Map([
  ['early', [0, 3]],
  ['mid', [3, 6]],
  ['late', [6, 9]],
]);

export type Cue = 'no' | 'only' | 'more' | 'less';
export const CUES: readonly (readonly [RegExp, Cue])[] = [
  [/^(?:nothing but|only|just|strictly|exclusively|purely)(?= |$)/, 'only'],
  [
    /^(?:no more|hold the|lose the|drop the|ditch the|skip the|none of|leave out|get rid of|no|not|without|skip|minus|except|nothing|zero|drop|ditch|avoid|exclude|nix)(?= |$)/,
    'no',
  ],
  [/^(?:more|extra|lots of|plenty of)(?= |$)/, 'more'],
  [/^(?:less|fewer)(?= |$)/, 'less'],
];
const GENDER = '(?:wom[ae]n|females?|girls?|lad(?:y|ies)|m[ae]n|males?|guys?|boys?)';
const VOICE = '(?:singers?|vocals?|vocalists?|voices?|artists?|rappers?|fronted|led|musicians?)';
const LANGUAGE =
  '(?:spanish|english|french|german|italian|portuguese|korean|japanese|chinese|mandarin|hindi|arabic|russian)';
export const ASKS: readonly (readonly [RegExp, string])[] = [
  [
    new RegExp(
      `^(?:(?:only|just|no|more|less|fewer|mostly|without) ${GENDER}(?: ${VOICE})?|${GENDER} ${VOICE})(?= |$)`,
    ),
    "singers' gender",
  ],
  [
    /^(?:(?:shorter|longer)(?: songs?| tracks?| ones)?|(?:short|long) (?:songs?|tracks?|ones)|under \d+ min(?:ute)?s?)(?= |$)/,
    'song length',
  ],
  [
    /^(?:explicit(?: lyrics| songs?| content| versions?)?|swearing|cursing|profanity|swear words|clean (?:lyrics|versions?|songs?))(?= |$)/,
    'which songs are explicit',
  ],
  [
    new RegExp(
      `^(?:(?:sung )?in ${LANGUAGE}|${LANGUAGE} (?:lyrics|songs?|language|only|singing|vocals))(?= |$)`,
    ),
    "lyrics' language",
  ],
];

export interface Tok {
  readonly key: string;
  readonly kind: 'word' | 'join' | 'list' | 'break';
  readonly start: number;
  readonly end: number;
  readonly cap: boolean;
}

/** Initialisms ("R.E.M."), words with inner marks ("hip-hop", "P!nk", "90's", "N'"), or any one other character. */
const PIECE = /[\p{L}\p{N}](?:\.[\p{L}\p{N}])+\.?|[\p{L}\p{N}]+(?:['’.!$&-]+[\p{L}\p{N}]+)*['’]?|\S/gu;
const IGNORED = /^['"“”‘’*_~`#>]$/u;

export function lex(text: string): Tok[] {
  const toks: Tok[] = [];
  for (const m of text.matchAll(PIECE)) {
    const [raw] = m;
    const at = { start: m.index, end: m.index + raw.length, cap: /^[\p{Lu}\p{N}]/u.test(raw) };
    const tight = /\S/.test(text[at.start - 1] ?? ' ') && /\S/.test(text[at.end] ?? ' ');
    if (/^[\p{L}\p{N}]/u.test(raw)) {
      for (const key of normalizeArtist(raw).split(' ')) if (key) toks.push({ ...at, key, kind: 'word' });
    } else if (raw === '&' || raw === '+') toks.push({ ...at, key: raw === '&' ? 'and' : '+', kind: 'join' });
    else if (!IGNORED.test(raw))
      toks.push({
        ...at,
        key: raw,
        kind: raw === ',' || raw === '/' ? (raw === '/' && tight ? 'join' : 'list') : 'break',
      });
  }
  return toks;
}

/** A decade's first year: "90s", "1990s", "'90s", "nineties"; "00s", "10s" and "20s" are this century's. */
export function decade(key: string): number | undefined {
  const m = /^(\d\d|\d{4})s$/.exec(key);
  let n = m ? Number(m[1]) : (DECADES.get(key) ?? Number.NaN);
  if (n < 100) n += n < 30 ? 2000 : 1900;
  return n % 10 === 0 && n >= 1900 && n <= 2090 ? n : undefined;
}
