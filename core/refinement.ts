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
import { MAX_MOOD_LENGTH, parseMood } from './mood-text.ts';
import { clip, type Draft, finish, narrowYears, type Refinement, type Years } from './refinement-schema.ts';
import {
  ASKS,
  COMPARATIVE,
  CONNECT,
  CUE_SKIP,
  CUES,
  type Cue,
  DECADE_PART,
  decade,
  FILLER,
  FILLER_PHRASE,
  GENRE,
  lex,
  MODIFIERS,
  MOODS,
  NOUNS,
  RANGE_JOIN,
  type Tok,
  YEAR_CUES,
} from './refinement-vocabulary.ts';

export { isEmptyRefinement, refinementLabels } from './refinement-labels.ts';
export { type Refinement, RefinementSchema } from './refinement-schema.ts';

type Item =
  | { readonly kind: 'genre'; readonly said: string; readonly terms: readonly string[] }
  | { readonly kind: 'mood' | 'name' | 'ask'; readonly said: string }
  | { readonly kind: 'years'; readonly said: string; readonly yearFrom?: number; readonly yearTo?: number };

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
