/**
 * "Refine…": a follow-up typed under a playlist ("no rap", "more 90s", "calmer, without Drake") read in code
 * into the filters, shifts and text the next playlist is made with, and the labels that say what was applied.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isEmptyRefinement,
  mergeRefinements,
  parseRefinement,
  type Refinement,
  RefinementSchema,
  refinementLabels,
} from '../core/refinement.ts';
import { DISCORD_MENTION, hostileText } from './support/hostile-text.ts';

const labels = (input: string) => refinementLabels(parseRefinement(input));
const RAP = ['rap', 'hip hop', 'hip-hop', 'hiphop', 'trap'];

describe('what a follow-up is read as (the labels a user sees)', () => {
  it.each([
    ['less upbeat', ['calmer']],
    ['no rap', ['no rap']],
    ['more 90s', ['1990–1999']],
    ['without Drake', ['no Drake']],
    ['hold the Nickelback', ['no Nickelback']],
    ['only women singers', []],
    ['more pop but no country', ['no country', 'more pop']],
    ['calmer, from the 80s', ['1980–1989', 'calmer']],
    ['no metal or punk please', ['no metal', 'no punk']],
    ['before 2000', ['before 2000']],
    ['after 2010', ['from 2011']],
    ['since 2015', ['from 2015']],
    ['only rock', ['only rock']],
    ['only rock or metal', ['only rock or metal']],
    ['no rap, country or metal', ['no rap', 'no country', 'no metal']],
    ['without Drake and Future', ['no Drake', 'no Future']],
    ['less upbeat and no rap from the 90s', ['no rap', '1990–1999', 'calmer']],
  ])('%j → %j', (input, expected) => {
    expect(labels(input)).toEqual(expected);
  });
});

describe('genres and artists', () => {
  it('expands a genre to the catalog words it is written as, tightly', () => {
    expect(parseRefinement('no rap').excludeTerms).toEqual(RAP);
    expect(parseRefinement('no hip-hop').excludeTerms).toEqual(RAP);
    expect(parseRefinement('no hip hop').excludeTerms).toEqual(RAP);
    expect(parseRefinement('no r&b').excludeTerms).toEqual(['r&b', 'rnb', 'rhythm and blues']);
    expect(parseRefinement('no rnb').excludeTerms).toEqual(['r&b', 'rnb', 'rhythm and blues']);
    expect(parseRefinement('no edm').excludeTerms).toEqual([
      'edm',
      'electronic',
      'electronica',
      'dance',
      'house',
    ]);
    expect(parseRefinement('no drum & bass').excludeTerms).toContain('dnb');
    expect(parseRefinement('no k-pop').excludeTerms).toEqual(['k-pop', 'kpop']);
    // "no rap" leaves dance music alone, and "no trap" leaves the rest of hip hop.
    expect(parseRefinement('no rap').excludeTerms).not.toContain('dance');
    expect(parseRefinement('no trap').excludeTerms).toEqual(['trap']);
  });

  it('reads a genre with a modifier as one compound, not as two genres', () => {
    expect(parseRefinement('no soft rock').excludeTerms).toEqual(['soft rock']);
    expect(parseRefinement('no death metal').excludeTerms).toEqual(['death metal']);
    expect(parseRefinement('no punk rock').excludeTerms).toEqual(['punk rock']);
    expect(labels('no heavy metal')).toEqual(['no metal']);
  });

  it('takes anything else after a negation as an artist, as typed', () => {
    const cases: [string, string[]][] = [
      ['no The Beatles', ['The Beatles']],
      ['drop the Drake', ['Drake']],
      ['lose the Nickelback', ['Nickelback']],
      ['without Simon & Garfunkel', ['Simon & Garfunkel']],
      ['no AC/DC', ['AC/DC']],
      ['no Guns N’ Roses, R.E.M. or P!nk', ['Guns N’ Roses', 'R.E.M.', 'P!nk']],
      ['no Beyoncé', ['Beyoncé']],
      ['no 50 Cent', ['50 Cent']],
      ['no songs by Drake please', ['Drake']],
      ['no rap or drake', ['drake']],
      ['skip Taylor Swift, more upbeat', ['Taylor Swift']],
    ];
    for (const [input, artists] of cases)
      expect(parseRefinement(input).excludeArtists, input).toEqual(artists);
  });

  it('ends a list where the next words are no name: text, or a constraint of their own', () => {
    expect(parseRefinement('no rap and rainy')).toMatchObject({
      excludeTerms: RAP,
      excludeArtists: [],
      text: 'rainy',
    });
    expect(parseRefinement('no rap, rainy').text).toBe('rainy');
    expect(labels('i want more jazz and less pop')).toEqual(['more jazz', 'less pop']);
    expect(labels('no rap or female vocals')).toEqual(['no rap']);
  });

  it('reads a mood word after a negation as a shift away, not as an artist', () => {
    expect(parseRefinement('no sad songs')).toMatchObject({
      excludeArtists: [],
      shifts: [{ text: 'sad', direction: -1 }],
    });
    expect(labels('nothing too heavy')).toEqual(['less heavy']);
    expect(labels('not too loud')).toEqual(['less loud']);
  });
});

describe('years', () => {
  it.each([
    ['80s', 1980, 1989],
    ['1990s', 1990, 1999],
    ["'90s", 1990, 1999],
    ["90's", 1990, 1999],
    ['nineties', 1990, 1999],
    ['from the 80s', 1980, 1989],
    ['more 2000s', 2000, 2009],
    ['00s', 2000, 2009],
    ['noughties', 2000, 2009],
    ['2010s', 2010, 2019],
    ['10s', 2010, 2019],
    ['60s', 1960, 1969],
    ['80s or 90s', 1980, 1999],
    ['in the 2020s', 2020, 2029],
    ['late 90s', 1996, 1999],
    ['between 1990 and 1995', 1990, 1995],
    ['1990-1995', 1990, 1995],
    ['before 2000', undefined, 1999],
    ['before the 90s', undefined, 1989],
    ['pre-2000', undefined, 1999],
    ['after 2010', 2011, undefined],
    ['after the 90s', 2000, undefined],
    ['since 2015', 2015, undefined],
    ['from 2011', 2011, undefined],
  ])('%j → %s–%s', (input, yearFrom, yearTo) => {
    const r = parseRefinement(input);
    expect([r.yearFrom, r.yearTo]).toEqual([yearFrom, yearTo]);
    expect(r.shifts).toEqual([]);
  });

  it('leaves "old school", "older", "newer" and a bare year as text', () => {
    for (const input of ['old school', 'older', 'newer', 'summer of 69', 'the 1975 vibes']) {
      const r = parseRefinement(input);
      expect([r.yearFrom, r.yearTo, r.text], input).toEqual([undefined, undefined, input]);
    }
  });

  it('moves away from a decade it is told to leave out, since a range cannot have a hole', () => {
    expect(labels('no 80s')).toEqual(['less 80s']);
  });
});

describe('shifts', () => {
  it.each([
    ['calmer', 'calm', 1, 'calmer'],
    ['happier', 'happy', 1, 'happier'],
    ['sadder', 'sad', 1, 'sadder'],
    ['faster', 'fast', 1, 'faster'],
    ['slower', 'slow', 1, 'slower'],
    ['darker', 'dark', 1, 'darker'],
    ['softer', 'soft', 1, 'softer'],
    ['heavier', 'heavy', 1, 'heavier'],
    ['chiller', 'chill', 1, 'chiller'],
    ['louder', 'loud', 1, 'louder'],
    ['quieter', 'quiet', 1, 'quieter'],
    ['groovier', 'groovy', 1, 'groovier'],
    ['more upbeat', 'upbeat', 1, 'more upbeat'],
    ['less upbeat', 'upbeat', -1, 'calmer'],
    ['more energy', 'energetic', 1, 'more energetic'],
    ['more energetic', 'energetic', 1, 'more energetic'],
    ['less energetic', 'energetic', -1, 'calmer'],
    ['less intense', 'intense', -1, 'calmer'],
    ['less sad', 'sad', -1, 'less sad'],
    ['more pop', 'pop', 1, 'more pop'],
    ['less of the rap', 'rap', -1, 'less rap'],
    ['more guitar solos please', 'guitar solos', 1, 'more guitar solos'],
  ])('%j → %s %i, labelled %j', (input, text, direction, label) => {
    const r = parseRefinement(input);
    expect(r.shifts).toEqual([{ text, direction }]);
    expect(r.excludeTerms).toEqual([]);
    expect(refinementLabels(r)).toEqual([label]);
  });

  it('labels "calmer" once however it was asked', () => {
    expect(labels('calmer, less upbeat and less intense')).toEqual(['calmer']);
  });
});

describe('filler and text', () => {
  it.each([
    ['a bit happier please', ''],
    ['make it way more upbeat', ''],
    ['can you make it a little calmer', ''],
    ['rainy', 'rainy'],
    ['for a road trip', 'for a road trip'],
    ['with saxophone', 'with saxophone'],
    ['calmer with no rap', ''],
    ['calmer, rainy and cozy', 'rainy cozy'],
    ['no rap but also Sunday morning', 'Sunday morning'],
    ['**no rap**, _rainy_', 'rainy'],
  ])('%j leaves %j', (input, text) => {
    expect(parseRefinement(input).text).toBe(text);
  });
});

describe('asks the catalog cannot answer', () => {
  it.each([
    ['only women singers', "singers' gender"],
    ['female vocals', "singers' gender"],
    ['male singer', "singers' gender"],
    ['no men', "singers' gender"],
    ['shorter songs', 'song length'],
    ['no explicit lyrics', 'which songs are explicit'],
    ['in spanish', "lyrics' language"],
  ])('%j → %j, and no label', (input, ask) => {
    const r = parseRefinement(input);
    expect(r.unsupported).toEqual([ask]);
    expect(refinementLabels(r)).toEqual([]);
    expect(isEmptyRefinement(r)).toBe(true);
  });

  it('applies the rest of a follow-up that also asks something it cannot', () => {
    const r = parseRefinement('only women singers, no rap');
    expect(r.unsupported).toEqual(["singers' gender"]);
    expect(refinementLabels(r)).toEqual(['no rap']);
  });
});

describe('mergeRefinements: successive Refine… presses', () => {
  const merged = (...inputs: string[]) =>
    inputs.map(parseRefinement).reduce((earlier, later) => mergeRefinements(earlier, later));

  it('accumulates, de-duplicated', () => {
    expect(refinementLabels(merged('no rap, more 90s', 'calmer'))).toEqual(['no rap', '1990–1999', 'calmer']);
    expect(merged('no Drake', 'no drake and no Future').excludeArtists).toEqual(['Drake', 'Future']);
    expect(merged('no rap', 'no hip hop').excludeTerms).toEqual(RAP);
    expect(merged('rainy', 'for a road trip').text).toBe('rainy for a road trip');
  });

  it('lets the newer win a conflict', () => {
    expect(refinementLabels(merged('only rock', 'only jazz'))).toEqual(['only jazz']);
    expect(refinementLabels(merged('no rock', 'only rock'))).toEqual(['only rock']);
    expect(refinementLabels(merged('only rock', 'no rock'))).toEqual(['no rock']);
    expect(refinementLabels(merged('more upbeat', 'less upbeat'))).toEqual(['calmer']);
    expect(refinementLabels(merged('90s', 'before 1995'))).toEqual(['1990–1994']);
    expect(refinementLabels(merged('90s', 'after 2010'))).toEqual(['from 2011']);
  });

  it('stays within bounds however many presses, keeping the newest', () => {
    const names = Array.from({ length: 30 }, (_, i) => `Artist${i}`);
    const r = names.map((n) => parseRefinement(`no ${n}`)).reduce((a, b) => mergeRefinements(a, b));
    expect(r.excludeArtists).toHaveLength(20);
    expect(r.excludeArtists.at(-1)).toBe('Artist29');
    const long = Array.from({ length: 30 }, (_, i) => parseRefinement(`rainy word${i}`));
    expect(long.reduce((a, b) => mergeRefinements(a, b)).text).toMatch(/word29$/);
    expect(RefinementSchema.safeParse(r).success).toBe(true);
  });
});

describe('labels', () => {
  it('come in a stable order: only, no genres, no artists, years, shifts, added text', () => {
    expect(labels('rainy, calmer, after 1999, no Drake, no punk, only rock')).toEqual([
      'only rock',
      'no punk',
      'no Drake',
      'from 2000',
      'calmer',
      '“rainy”',
    ]);
  });

  it('name a year range, a lower or an upper bound', () => {
    const base = parseRefinement('');
    expect(refinementLabels({ ...base, yearFrom: 1990, yearTo: 1999 })).toEqual(['1990–1999']);
    expect(refinementLabels({ ...base, yearFrom: 1995, yearTo: 1995 })).toEqual(['1995']);
    expect(refinementLabels({ ...base, yearTo: 1999 })).toEqual(['before 2000']);
    expect(refinementLabels({ ...base, yearFrom: 2011 })).toEqual(['from 2011']);
  });
});

describe('isEmptyRefinement', () => {
  it('is true only when nothing is left to apply', () => {
    for (const input of ['', '   ', 'please', '!!!', 'no', 'more', '😭💔', '<@123456789012345678>']) {
      expect(isEmptyRefinement(parseRefinement(input)), input).toBe(true);
    }
    for (const input of ['no rap', 'rainy', '90s', 'calmer', 'without Drake']) {
      expect(isEmptyRefinement(parseRefinement(input)), input).toBe(false);
    }
  });
});

describe('hostile input', () => {
  const valid = (r: Refinement) => {
    expect(RefinementSchema.safeParse(JSON.parse(JSON.stringify(r))).success).toBe(true);
    for (const label of refinementLabels(r)) {
      expect(label.length).toBeLessThanOrEqual(110);
      expect(label).not.toMatch(DISCORD_MENTION);
    }
  };

  it('never throws, and stays bounded and valid', () => {
    const nasty = [
      '',
      'no rap, '.repeat(2000),
      'a'.repeat(10_000),
      '😭'.repeat(5000),
      'no '.repeat(3000),
      '!?.,;:—–-/&+*_~`#>'.repeat(100),
      'no @everyone <@123456789012345678> and <#123456789012345678>',
      'no [click](https://evil.example) or <https://evil.example|Drake>',
      'no שלום, مرحبا or 心碎',
      'no constructor, __proto__ or toString',
      '\u0000\u202e\u200b no rap',
    ];
    for (const input of nasty) valid(parseRefinement(input));
    fc.assert(
      fc.property(hostileText(2000), (input) => valid(parseRefinement(input))),
      { numRuns: 200 },
    );
  });

  it('bounds every list and string', () => {
    const names = Array.from({ length: 30 }, (_, i) => `Xx${i}`).join(', ');
    const r = parseRefinement(`no ${names}`);
    expect(r.excludeArtists.length).toBeLessThanOrEqual(20);
    expect(parseRefinement(`rainy ${'word '.repeat(100)}`).text.length).toBeLessThanOrEqual(100);
    expect(parseRefinement(`no ${'Z'.repeat(300)}`).excludeArtists[0]?.length).toBeLessThanOrEqual(100);
  });

  it('does not read mentions or links as artists', () => {
    expect(parseRefinement('no <@123456789012345678> rap').excludeArtists).toEqual([]);
    expect(parseRefinement('no https://evil.example').excludeArtists).toEqual([]);
    // "The" alone would match every "The …" credit.
    expect(parseRefinement('no the, please').excludeArtists).toEqual([]);
  });
});

describe('RefinementSchema', () => {
  it('round-trips a parsed refinement through JSON', () => {
    const r = parseRefinement('no rap or Drake, more 90s, calmer, only rock, female vocals, rainy');
    expect(RefinementSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('rejects what is out of bounds', () => {
    const r = parseRefinement('no rap');
    const bad: unknown[] = [
      { ...r, excludeTerms: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { ...r, excludeArtists: ['x'.repeat(101)] },
      { ...r, excludeArtists: [''] },
      { ...r, text: 'x'.repeat(101) },
      { ...r, yearFrom: 1899 },
      { ...r, yearTo: 2101 },
      { ...r, yearFrom: 1990.5 },
      { ...r, yearFrom: 2000, yearTo: 1990 },
      { ...r, shifts: [{ text: 'calm', direction: 2 }] },
      { ...r, shifts: Array.from({ length: 21 }, (_, i) => ({ text: `s${i}`, direction: 1 })) },
      { ...r, unsupported: undefined },
      'no rap',
      null,
    ];
    for (const value of bad)
      expect(RefinementSchema.safeParse(value).success, JSON.stringify(value)).toBe(false);
  });
});
