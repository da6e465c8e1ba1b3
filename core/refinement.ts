/**
 * "Refine…" on a shown playlist: the follow-up the user types ("no rap", "more 90s", "calmer, without Drake")
 * read, in code and without a model, into constraints (genres and tags to leave out or keep to, artists to
 * leave out, year bounds, shifts of the query toward or away from a word) and the text left over, which is
 * blended with the mood; core/refine-request.ts applies them. In code, not handed to a model as words: "no rap"
 * embedded or put in a prompt lands near rap, and a model may or may not obey it; a filter holds every time,
 * costs nothing and can be shown back as a label ("no rap · 1990–1999 · calmer").
 *
 * Terms are whole catalog words: "metal" also drops "death metal", "rap" does not drop "trap" (so its group
 * lists it). After a negation, what is no genre, mood word or decade is an artist, kept as typed; a list goes
 * on after "or", and after "and" or a comma when the next name is capitalised or a genre ("without Drake and
 * Future"); "&" joins one name ("Simon & Garfunkel").
 */
import { z } from 'zod';
import { MAX_MOOD_LENGTH, parseMood } from './mood-text.ts';
import { normalizeArtist } from './normalize.ts';

const MAX_ITEMS = 20;
const MAX_CHARS = 100;
const phrase = z.string().min(1).max(MAX_CHARS);
const phrases = z.array(phrase).max(MAX_ITEMS).readonly();
const year = z.number().int().min(1900).max(2100);

export const RefinementSchema = z
  .object({
    /** Genres/tags a song must not carry: lower-case catalog words, synonyms expanded ("rap" → hip hop, trap…). */
    excludeTerms: phrases,
    /** Genres/tags a song must carry one of ("only rock"), expanded the same way. */
    requireTerms: phrases,
    /** Artists to leave out, as the user typed them ("Drake", "The Beatles"). */
    excludeArtists: phrases,
    /** Inclusive year bounds: decades ("90s", "nineties", "from the 80s"), "before 2000", "after 2010". */
    yearFrom: year.optional(),
    yearTo: year.optional(),
    /** Moves of the query toward (1) or away from (−1) a short text: "less upbeat", "calmer", "more pop". */
    shifts: z
      .array(z.object({ text: phrase, direction: z.union([z.literal(1), z.literal(-1)]) }).readonly())
      .max(MAX_ITEMS)
      .readonly(),
    /** What is left once the constraints are taken out, blended with the mood as text (may be ""). */
    text: z.string().max(MAX_CHARS),
    /** Asks the catalog cannot answer, as short phrases: "singers' gender". */
    unsupported: phrases,
  })
  .refine(
    (r) => r.yearFrom === undefined || r.yearTo === undefined || r.yearFrom <= r.yearTo,
    'years reversed',
  )
  .readonly();
export type Refinement = z.infer<typeof RefinementSchema>;
type Draft = {
  -readonly [K in keyof Refinement]: Refinement[K] extends readonly (infer T)[] ? T[] : Refinement[K];
};
type Years = Pick<Refinement, 'yearFrom' | 'yearTo'>;

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
const GENRE = new Map(
  GENRES.flatMap(([typed, catalog]) => typed.split('|').map((t) => [t, catalog.split('|')])),
);
const GROUP = new Map(GENRES.map(([, catalog]) => [catalog.split('|')[0] ?? '', catalog.split('|')]));
const words = (list: string) => new Set(list.split(' '));
/** Words that make a compound with the genre after them: "soft rock", "death metal" (as "punk rock" does). */
const MODIFIERS = words(
  'soft hard classic death black nu prog progressive psychedelic dream synth gangsta deep acid smooth glam thrash garage yacht math post',
);
const COMPARATIVE = new Map(
  [
    ...words(
      'calmer:calm happier:happy sadder:sad faster:fast slower:slow darker:dark softer:soft heavier:heavy chiller:chill louder:loud quieter:quiet groovier:groovy funkier:funky dreamier:dreamy moodier:moody brighter:bright mellower:mellow angrier:angry gentler:gentle sweeter:sweet warmer:warm jazzier:jazzy edgier:edgy sexier:sexy spookier:spooky gloomier:gloomy sleepier:sleepy bouncier:bouncy sunnier:sunny punchier:punchy wilder:wild smoother:smooth livelier:lively harder:hard',
    ),
  ].map((pair) => pair.split(':') as [string, string]),
);
const COMPARATIVE_OF = new Map([...COMPARATIVE].map(([more, base]) => [base, more]));
const NOUNS = new Map([
  ['energy', 'energetic'],
  ['intensity', 'intense'],
]);
const MOODS = new Set([
  ...COMPARATIVE.values(),
  ...words(
    'upbeat energetic intense romantic aggressive depressing melancholy melancholic emotional dramatic cheesy hype relaxing relaxed danceable',
  ),
]);
/** Moving away from these reads as "calmer". */
const CALMING = words('upbeat energetic intense');
const FILLER = words(
  'please pls plz thanks thx slightly way much bit but and also so too very really kinda somewhat rather maybe perhaps even lot just only more less pretty quite song songs music track tracks tune tunes stuff ones playlist instead now',
);
const FILLER_PHRASE =
  /^(?:a little bit|a little|a bit|a lot|a tad|make it|make them|i want|i would like|id like|can you|could you|can we|give me|thank you|more like this|like this)(?= |$)/;
/** Skipped between a cue and what it applies to: "less of the rap", "no songs by Drake". */
const CUE_SKIP = words('of any a an all that those these such by some kind type sort');
const CONNECT = words('or nor and , /');
const YEAR_CUES = words('before pre after post since from until till through in during between');
const RANGE_JOIN = words('or and to through till until , - – —');
const DECADES = new Map(
  [...words('forties fifties sixties seventies eighties nineties')].map((w, i) => [w, 1940 + 10 * i]),
);
DECADES.set('noughties', 2000).set('aughts', 2000);
const DECADE_PART = new Map([
  ['early', [0, 3]],
  ['mid', [3, 6]],
  ['late', [6, 9]],
]);

type Cue = 'no' | 'only' | 'more' | 'less';
const CUES: readonly (readonly [RegExp, Cue])[] = [
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
const ASKS: readonly (readonly [RegExp, string])[] = [
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

interface Tok {
  readonly key: string;
  readonly kind: 'word' | 'join' | 'list' | 'break';
  readonly start: number;
  readonly end: number;
  readonly cap: boolean;
}
type Item =
  | { readonly kind: 'genre'; readonly said: string; readonly terms: readonly string[] }
  | { readonly kind: 'mood' | 'name' | 'ask'; readonly said: string }
  | { readonly kind: 'years'; readonly said: string; readonly yearFrom?: number; readonly yearTo?: number };

/** Initialisms ("R.E.M."), words with inner marks ("hip-hop", "P!nk", "90's", "N'"), or any one other character. */
const PIECE = /[\p{L}\p{N}](?:\.[\p{L}\p{N}])+\.?|[\p{L}\p{N}]+(?:['’.!$&-]+[\p{L}\p{N}]+)*['’]?|\S/gu;
const IGNORED = /^['"“”‘’*_~`#>]$/u;

function lex(text: string): Tok[] {
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
function decade(key: string): number | undefined {
  const m = /^(\d\d|\d{4})s$/.exec(key);
  let n = m ? Number(m[1]) : (DECADES.get(key) ?? Number.NaN);
  if (n < 100) n += n < 30 ? 2000 : 1900;
  return n % 10 === 0 && n >= 1900 && n <= 2090 ? n : undefined;
}

/** At most `max` UTF-16 units, never splitting a character; `fromEnd` keeps the last whole words. */
function clip(text: string, max = MAX_CHARS, fromEnd = false): string {
  let t = text.trim();
  while (fromEnd && t.length > max) t = t.replace(/^\S+\s*/u, '');
  let out = '';
  for (const ch of t) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out.trim();
}

/** The later bound wins; when the two no longer overlap, only the later ones hold. */
function narrowYears(earlier: Years, later: Years): Years {
  const [from, to] = [later.yearFrom ?? earlier.yearFrom, later.yearTo ?? earlier.yearTo];
  const reversed = from !== undefined && to !== undefined && from > to;
  return reversed ? { yearFrom: later.yearFrom, yearTo: later.yearTo } : { yearFrom: from, yearTo: to };
}

export function parseRefinement(input: string): Refinement {
  const mood = parseMood(
    typeof input === 'string' ? input.slice(0, MAX_MOOD_LENGTH * 10) : '',
    Number.POSITIVE_INFINITY,
  );
  const text = mood.ok ? [...mood.text].slice(0, MAX_MOOD_LENGTH).join('') : '';
  const toks = lex(text);
  const key = (i: number) => toks[i]?.key ?? '';
  const isWord = (i: number) => toks[i]?.kind === 'word';
  const said = (from: number, to: number) => clip(text.slice(toks[from]?.start, toks[to - 1]?.end));
  const matchAt = (re: RegExp, i: number) => {
    const window: string[] = [];
    for (let j = i; j < i + 6 && (isWord(j) || toks[j]?.kind === 'join'); j++) window.push(key(j));
    return re.exec(window.join(' '))?.[0]?.split(' ').length ?? 0;
  };
  const firstAt = <T>(table: readonly (readonly [RegExp, T])[], i: number) => {
    for (const [re, value] of table) {
      const n = matchAt(re, i);
      if (n > 0) return { value, n };
    }
    return undefined;
  };
  const genreAt = (i: number) => {
    for (let n = Math.min(3, toks.length - i); n >= 1; n--) {
      const span = toks.slice(i, i + n);
      const typed = span.map((t) => t.key).join(' ');
      const terms = span.every((t) => t.kind === 'word' || t.kind === 'join') && GENRE.get(typed);
      if (terms) return { said: typed, terms, n };
    }
    return undefined;
  };
  const spanAt = (i: number): [lo: number, hi: number, next: number, single: boolean] | undefined => {
    const part = DECADE_PART.get(key(i));
    const j = part ? i + 1 : i;
    const d = decade(key(j));
    if (d !== undefined) return [d + (part?.[0] ?? 0), d + (part?.[1] ?? 9), j + 1, false];
    const y = /^\d{4}$/.test(key(j)) ? Number(key(j)) : 0;
    return !part && y >= 1900 && y <= 2100 ? [y, y, j + 1, true] : undefined;
  };
  /** "before 2000", "from the 80s", "80s or 90s", "1990-1995", "late 90s"; a bare year is text. */
  const yearsAt = (i: number): { item: Extract<Item, { kind: 'years' }>; next: number } | undefined => {
    if (key(i) === 'from' && YEAR_CUES.has(key(i + 1))) return yearsAt(i + 1); // "from before 1980"
    const cue = YEAR_CUES.has(key(i)) ? key(i) : '';
    const first = (cue ? i + 1 : i) + (cue && key(i + 1) === 'the' ? 1 : 0);
    const a = spanAt(first);
    if (!a) return undefined;
    let [lo, hi, next, single] = a;
    const join = RANGE_JOIN.has(key(next)) ? next + 1 : next;
    const b = spanAt(key(join) === 'the' ? join + 1 : join);
    if (!cue && single && !b) return undefined;
    if (b) [lo, hi, next, single] = [Math.min(lo, b[0]), Math.max(hi, b[1]), b[2], false];
    const bounds: Years =
      cue === 'before' || cue === 'pre'
        ? { yearTo: lo - 1 }
        : cue === 'after' || cue === 'post'
          ? { yearFrom: hi + 1 }
          : cue === 'since' || (cue === 'from' && single)
            ? { yearFrom: lo }
            : cue === 'until' || cue === 'till' || cue === 'through'
              ? { yearTo: hi }
              : { yearFrom: lo, yearTo: hi };
    return { item: { kind: 'years', said: said(first, next), ...bounds } satisfies Item, next };
  };
  const endsName = (i: number) =>
    !isWord(i) ||
    FILLER.has(key(i)) ||
    CONNECT.has(key(i)) ||
    key(i) === 'with' ||
    COMPARATIVE.has(key(i)) ||
    !!yearsAt(i) ||
    !!firstAt(CUES, i) ||
    !!firstAt(ASKS, i) ||
    matchAt(FILLER_PHRASE, i) > 0;

  /** What a cue applies to, at `i`: a name only when `anyName` or it is capitalised. */
  const itemAt = (i: number, anyName: boolean): { item: Item; next: number } | undefined => {
    let j = i;
    while (isWord(j) && (FILLER.has(key(j)) || CUE_SKIP.has(key(j))) && !firstAt(CUES, j)) j++;
    if (key(j) === 'the' && (genreAt(j + 1) || spanAt(j + 1))) j++;
    if (!isWord(j) || firstAt(CUES, j)) return undefined;
    const ask = firstAt(ASKS, j);
    if (ask) return { item: { kind: 'ask', said: ask.value }, next: j + ask.n };
    const years = yearsAt(j);
    if (years) return years;
    const genre = genreAt(j) ?? (MODIFIERS.has(key(j)) ? { said: key(j), terms: [], n: 1 } : undefined);
    const second = genre && genreAt(j + genre.n);
    const compound = second && `${genre.said} ${second.said}`;
    if (compound)
      return { item: { kind: 'genre', said: compound, terms: [compound] }, next: j + genre.n + second.n };
    if (genre?.terms.length) return { item: { kind: 'genre', ...genre }, next: j + genre.n };
    const feel = COMPARATIVE.get(key(j)) ?? NOUNS.get(key(j)) ?? (MOODS.has(key(j)) ? key(j) : undefined);
    if (feel) return { item: { kind: 'mood', said: feel }, next: j + 1 };
    if ((!anyName && !toks[j]?.cap) || (key(j) === 'the' && endsName(j + 1))) return undefined; // not "no the"
    let k = j + 1;
    while (k < j + 8 && (toks[k]?.kind === 'join' ? isWord(k + 1) : !endsName(k))) k++;
    return { item: { kind: 'name', said: said(j, k) }, next: k };
  };

  const d: Draft = {
    excludeTerms: [],
    requireTerms: [],
    excludeArtists: [],
    shifts: [],
    text: '',
    unsupported: [],
  };
  const shift = (toward: string, direction: 1 | -1) => {
    d.shifts = [
      ...d.shifts.filter((s) => s.text.toLowerCase() !== toward.toLowerCase()),
      { text: toward, direction },
    ];
  };
  const apply = (cue: Cue, it: Item) => {
    const direction = cue === 'no' || cue === 'less' ? -1 : 1;
    if (it.kind === 'ask') d.unsupported.push(it.said);
    else if (it.kind === 'years' && direction > 0) Object.assign(d, narrowYears(d, it));
    else if (it.kind === 'genre' && cue === 'no') d.excludeTerms.push(...it.terms);
    else if (it.kind === 'genre' && cue === 'only') d.requireTerms.push(...it.terms);
    else if (it.kind === 'name' && cue === 'no') d.excludeArtists.push(it.said);
    else shift(it.said, direction);
  };
  /** Where the constraint at `i` ends (it is applied), or `i` when none starts there. */
  const constraintAt = (i: number): number => {
    const ask = firstAt(ASKS, i);
    const years = yearsAt(i);
    const filler = matchAt(FILLER_PHRASE, i);
    const base = COMPARATIVE.get(key(i));
    const cue = firstAt(CUES, i);
    if (ask) d.unsupported.push(ask.value);
    else if (years) Object.assign(d, narrowYears(d, years.item));
    else if (!filler && base) shift(base, 1);
    else if (!filler && cue) {
      let next = i + cue.n;
      for (let got = itemAt(next, true); got; ) {
        apply(cue.value, got.item);
        next = got.next;
        got = CONNECT.has(key(next))
          ? itemAt(next + 1, key(next) === 'or' || key(next) === 'nor')
          : undefined;
      }
      return next;
    }
    return ask ? i + ask.n : years ? years.next : filler ? i + filler : base ? i + 1 : i;
  };

  // Text is what no constraint took, filler aside; "with" only where text follows ("with saxophone").
  const out: (Tok | null)[] = [];
  for (let i = 0; i < toks.length; ) {
    const next = isWord(i) ? constraintAt(i) : i + 1;
    const tok = toks[i];
    if (next === i && tok && !FILLER.has(tok.key)) out.push(tok);
    else if (next !== i || !tok) out.push(null);
    i = Math.max(next, i + 1);
  }
  const kept = out.filter(
    (t, n): t is Tok => !!t && (t.key !== 'with' || ![undefined, null, 'with'].includes(out[n + 1]?.key)),
  );
  d.text = [...new Map(kept.map((t) => [t.start, text.slice(t.start, t.end)])).values()].join(' ');
  return finish(d, false);
}

/** De-duplicated (any case), clipped and bounded; with `newest`, a list over its bound keeps its latest items. */
function finish(d: Draft, newest: boolean): Refinement {
  const bound = <T>(list: readonly T[], id: (x: T) => string): T[] => {
    const seen = new Set<string>();
    const unique = list.filter((x) => !seen.has(id(x).toLowerCase()) && !!seen.add(id(x).toLowerCase()));
    return newest ? unique.slice(-MAX_ITEMS) : unique.slice(0, MAX_ITEMS);
  };
  const texts = (list: readonly string[]) => bound(list.map((s) => clip(s)).filter(Boolean), (s) => s);
  const year = (y: number | undefined) => (y === undefined ? undefined : Math.min(2100, Math.max(1900, y)));
  const [from, to] = [year(d.yearFrom), year(d.yearTo)];
  const shifts = d.shifts.map((s) => ({ text: clip(s.text), direction: s.direction })).filter((s) => s.text);
  return {
    excludeTerms: texts(d.excludeTerms),
    requireTerms: texts(d.requireTerms),
    excludeArtists: texts(d.excludeArtists),
    ...(from !== undefined && (to === undefined || from <= to) ? { yearFrom: from } : {}),
    ...(to !== undefined ? { yearTo: to } : {}),
    shifts: bound(shifts, (s) => s.text),
    text: clip(d.text, MAX_CHARS, newest),
    unsupported: texts(d.unsupported),
  };
}

/**
 * Successive Refine… presses: term and artist lists union, a newer "only X" replaces the older one, the newer
 * wins a conflict (years, a shift of the same text, "only rock" after "no rock"), the older text comes first.
 */
export function mergeRefinements(earlier: Refinement, later: Refinement): Refinement {
  const replaced = new Set(later.shifts.map((s) => s.text.toLowerCase()));
  const require = later.requireTerms.length > 0 ? later.requireTerms : earlier.requireTerms;
  return finish(
    {
      excludeTerms: [
        ...earlier.excludeTerms.filter((t) => !later.requireTerms.includes(t)),
        ...later.excludeTerms,
      ],
      requireTerms: require.filter((t) => !later.excludeTerms.includes(t)),
      excludeArtists: [...earlier.excludeArtists, ...later.excludeArtists],
      ...narrowYears(earlier, later),
      shifts: [...earlier.shifts.filter((s) => !replaced.has(s.text.toLowerCase())), ...later.shifts],
      text: [earlier.text, later.text].filter(Boolean).join(' '),
      unsupported: [...earlier.unsupported, ...later.unsupported],
    },
    true,
  );
}

/** Each group of terms once, by its name: "rap" for rap, hip hop, hip-hop, hiphop and trap. */
function genreNames(terms: readonly string[]): string[] {
  const covered = new Set<string>();
  return terms.filter((t) => !covered.has(t) && (GROUP.get(t) ?? [t]).every((x) => covered.add(x)));
}

/** What was applied, in a stable order: only, no genres, no artists, years, shifts, then the added text. */
export function refinementLabels(r: Refinement): string[] {
  const only = genreNames(r.requireTerms);
  const { yearFrom: from, yearTo: to } = r;
  const labels = [
    only.length > 1 ? `only ${only.slice(0, -1).join(', ')} or ${only.at(-1)}` : only.map((g) => `only ${g}`),
    genreNames(r.excludeTerms).map((g) => `no ${g}`),
    r.excludeArtists.map((a) => `no ${a}`),
    from !== undefined && to !== undefined ? (from === to ? `${from}` : `${from}–${to}`) : [],
    from !== undefined && to === undefined ? `from ${from}` : [],
    to !== undefined && from === undefined ? `before ${to + 1}` : [],
    r.shifts.map(({ text, direction }) =>
      direction < 0
        ? CALMING.has(text.toLowerCase())
          ? 'calmer'
          : `less ${text}`
        : (COMPARATIVE_OF.get(text.toLowerCase()) ?? `more ${text}`),
    ),
    r.text ? `“${r.text}”` : [],
  ].flat();
  return [...new Set(labels)];
}

/** True when the refinement constrains nothing and adds no text: nothing to apply (asks it could not are not). */
export function isEmptyRefinement(r: Refinement): boolean {
  const lists = [r.excludeTerms, r.requireTerms, r.excludeArtists, r.shifts];
  return (
    lists.every((l) => l.length === 0) && r.yearFrom === undefined && r.yearTo === undefined && r.text === ''
  );
}
