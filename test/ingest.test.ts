import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { matchKey } from '../core/normalize.ts';
import type { Database } from '../db/database.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { ingestKaggle } from '../db/ingest/kaggle.ts';
import { ingestLyrics } from '../db/ingest/lyrics.ts';
import { ENGINES, type TestDatabase, truncateAll } from './support/databases.ts';

// The fixtures below are dirty on purpose (a third of their lines malformed): let them through.
const DIRTY = { maxMalformedShare: 1 };

let dir: string;
const file = async (name: string, content: string) => {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
};

// Kaggle layout: a TSV of tracks and a CSV of (user, item) interactions.
const TRACK_META = [
  'song_id\tsong_name\tband',
  '1\tBohemian Rhapsody - Remastered 2011\tQueen',
  '2\tHey Jude\tThe Beatles',
  '3\t\tNameless Band', // no song name: dropped and counted
  '4\tSolo Song\t', // missing band is kept
  'x5\tBad Id\tSomeone', // malformed: id is not a number
  '6\tToo\tMany\tFields', // malformed: wrong field count
  '2\tHey Jude (Live)\tThe Beatles', // duplicate id: the last line wins
  '7\tUnplayed\tNobody',
  '8\tSay "Hello"\tQuote Band', // a literal quote in a TSV title stays
].join('\n');

const INTERACTIONS = [
  'user,item',
  'u1,1',
  'u1,1',
  'u2,1',
  'u3,1',
  'u1,2',
  'u2,4',
  'u2,4',
  'u2,4',
  'u9,999', // unknown song
  'u4,abc', // malformed item
  'u5', // malformed: too few fields
  ',1', // malformed: empty user
].join('\n');

describe.each(ENGINES)('ingest on $engine', ({ create }) => {
  let t: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-ingest-'));
    t = await create();
    db = t.db;
  });
  afterAll(async () => t?.drop());
  beforeEach(async () => truncateAll(db));

  const songs = async () =>
    (
      await db.query<{
        id: string;
        name: string;
        artist: string | null;
        interactions_count: number;
        unique_users: number;
        avg_interactions_per_user: number;
        popularity_score: number;
        lyrics: string | null;
      }>(
        `SELECT id::text AS id, name, artist, interactions_count::int AS interactions_count,
                unique_users::int AS unique_users, avg_interactions_per_user, popularity_score, lyrics
         FROM songs ORDER BY id`,
      )
    ).rows;

  it('joins tracks with interactions and computes the statistics exactly', async () => {
    const report = await ingestKaggle(
      db,
      {
        trackMeta: await file('track_meta.tsv', TRACK_META),
        interactions: await file('user_item_interaction.csv', INTERACTIONS),
      },
      undefined,
      DIRTY,
    );

    expect(report.tracks.droppedWithoutName).toBe(1);
    expect(report.tracks.duplicateIds).toBe(1);
    expect(report.tracks.malformed.count).toBe(2);
    expect(report.tracks.malformed.samples.map((s) => s.line)).toEqual([6, 7]);
    expect(report.interactions.read).toBe(9);
    expect(report.interactions.unknownSong).toBe(1);
    expect(report.interactions.malformed.count).toBe(3);
    expect(report.interactions.malformed.samples.map((s) => s.line).sort()).toEqual([11, 12, 13]);
    expect(report.songsUpserted).toBe(5);

    const rows = await songs();
    expect(rows.map((r) => [r.id, r.name, r.artist])).toEqual([
      ['1', 'Bohemian Rhapsody - Remastered 2011', 'Queen'],
      ['2', 'Hey Jude (Live)', 'The Beatles'],
      ['4', 'Solo Song', null],
      ['7', 'Unplayed', 'Nobody'],
      ['8', 'Say "Hello"', 'Quote Band'],
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    // song 1: 4 interactions by 3 users → avg 4/3, popularity 0.6·4 + 0.4·3 = 3.6
    expect(byId.get('1')?.interactions_count).toBe(4);
    expect(byId.get('1')?.unique_users).toBe(3);
    expect(byId.get('1')?.avg_interactions_per_user).toBeCloseTo(4 / 3, 12);
    expect(byId.get('1')?.popularity_score).toBeCloseTo(3.6, 12);
    // song 4: 3 interactions by 1 user → avg 3, popularity 0.6·3 + 0.4·1 = 2.2
    expect(byId.get('4')?.interactions_count).toBe(3);
    expect(byId.get('4')?.avg_interactions_per_user).toBe(3);
    expect(byId.get('4')?.popularity_score).toBeCloseTo(2.2, 12);
    // a song nobody played gets zeros, not nulls
    expect(byId.get('7')).toMatchObject({
      unique_users: 0,
      avg_interactions_per_user: 0,
      popularity_score: 0,
    });
  });

  it('re-running an ingest updates rows instead of duplicating them', async () => {
    const files = {
      trackMeta: await file('track_meta.tsv', TRACK_META),
      interactions: await file('user_item_interaction.csv', INTERACTIONS),
    };
    await ingestKaggle(db, files, undefined, DIRTY);
    const same = await ingestKaggle(db, files, undefined, DIRTY);
    expect(same.songsUpserted).toBe(0);
    const more = await ingestKaggle(
      db,
      { trackMeta: files.trackMeta, interactions: await file('more.csv', `${INTERACTIONS}\nu7,7\n`) },
      undefined,
      DIRTY,
    );
    expect(more.songsUpserted).toBe(1);
    const rows = await songs();
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.id === '7')?.unique_users).toBe(1);
  });

  it('matches lyrics on normalised title and artist, first duplicate wins, near-misses stay unmatched', async () => {
    await ingestKaggle(db, {
      trackMeta: await file(
        'tracks.tsv',
        [
          'song_id\tsong_name\tband',
          '1\tBohemian Rhapsody - Remastered 2011\tQueen',
          '2\tDon’t Stop Me Now\tQueen',
          '3\tCafé del Mar (feat. Someone)\tEnergy 52',
          '4\tHey Jude\tThe Beatles',
          '5\tYellow\tColdplay',
        ].join('\n'),
      ),
      interactions: await file('none.csv', 'user,item\n'),
    });
    const report = await ingestLyrics(
      db,
      await file(
        'lyrics.csv',
        [
          'title,tag,artist,year,views,features,lyrics,id',
          'bohemian rhapsody,rock,QUEEN,1975,1,{},"Is this the real life?\nIs this just fantasy?",1',
          'Bohemian Rhapsody,rock,Queen,1975,1,{},second copy must not win,2',
          "Dont Stop Me Now,rock,Queen,1978,1,{},Tonight I'm gonna have myself,3",
          'Cafe Del Mar,pop,Energy 52 feat. Nobody,1993,1,{},instrumental-ish,4',
          'Hey Judy,rock,The Beatles,1968,1,{},near miss title,5',
          'Yellow,rock,Coldplay Tribute Band,2000,1,{},near miss artist,6',
          'broken,"unterminated,7',
        ].join('\n'),
      ),
      undefined,
      DIRTY,
    );
    expect(report.read).toBe(6);
    expect(report.duplicates).toBe(1);
    expect(report.songsMatched).toBe(3);
    expect(report.malformed.count).toBe(1);
    const lyrics = new Map((await songs()).map((r) => [r.id, r.lyrics]));
    expect(lyrics.get('1')).toBe('Is this the real life?\nIs this just fantasy?');
    expect(lyrics.get('2')).toBe("Tonight I'm gonna have myself");
    expect(lyrics.get('3')).toBe('instrumental-ish');
    expect(lyrics.get('4')).toBeNull();
    expect(lyrics.get('5')).toBeNull();
  });

  it('loads a plain CSV or JSONL catalog with tags, keeping ids stable across re-ingests', async () => {
    const csv = await file(
      'catalog.csv',
      [
        'name,artist,year,genre,tags,popularity',
        'Mr. Brightside,The Killers,2003,rock,happy;energetic;anthem,90',
        '"Hello, Goodbye",The Beatles,1967,pop,happy|playful,70',
        ',No Name,2000,pop,sad,1',
        'Unknown Year,Band,,rock,sad,5',
      ].join('\n'),
    );
    const first = await ingestCatalog(db, csv, undefined, DIRTY);
    expect(first).toMatchObject({ read: 3, songsUpserted: 3 });
    expect(first.malformed.samples).toEqual([{ line: 4, reason: 'name is empty' }]);
    const again = await ingestCatalog(db, csv, undefined, DIRTY);
    expect(again.songsUpserted).toBe(0);
    const rows = (
      await db.query<{ name: string; tags: string[]; year: number | null }>(
        'SELECT name, tags, year FROM songs ORDER BY name',
      )
    ).rows;
    expect(rows).toEqual([
      { name: 'Hello, Goodbye', tags: ['happy', 'playful'], year: 1967 },
      { name: 'Mr. Brightside', tags: ['happy', 'energetic', 'anthem'], year: 2003 },
      { name: 'Unknown Year', tags: ['sad'], year: null },
    ]);

    const jsonl = await file(
      'catalog.jsonl',
      [
        '{"id": 42, "name": "Clair de Lune", "artist": "Claude Debussy", "tags": ["relaxed", "peaceful"], "lyrics": null}',
        '{not json',
        '[1,2]',
        '{"name": "Mr. Brightside", "artist": "The Killers", "popularity": 95}',
      ].join('\n'),
    );
    const fromJson = await ingestCatalog(db, jsonl, undefined, DIRTY);
    expect(fromJson.read).toBe(2);
    expect(fromJson.malformed.samples.map((s) => s.line)).toEqual([2, 3]);
    const total = await db.query<{ n: string }>('SELECT count(*) AS n FROM songs');
    expect(Number(total.rows[0]?.n)).toBe(4);
  });

  it('refuses a file missing a required column with a clear message', async () => {
    await expect(
      ingestKaggle(db, {
        trackMeta: await file('bad.tsv', 'id\ttitle\n1\tx\n'),
        interactions: await file('i.csv', 'user,item\n'),
      }),
    ).rejects.toThrow(/missing column\(s\) song_id, song_name, band/);
  });
});

/** Deterministic letters that do not compress (a run of one letter fits a btree entry after TOAST). */
function noise(length: number, seed = 7): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out += String.fromCharCode(97 + (x % 26));
  }
  return out;
}

const catalogCsv = (rows: number, edit: (i: number) => string | undefined = () => undefined) =>
  [
    'name,artist,year,genre,tags,popularity',
    ...Array.from(
      { length: rows },
      (_, k) => edit(k + 1) ?? `Song ${k + 1},Artist ${k + 1},2000,rock,happy,${k % 100}`,
    ),
  ].join('\n');

describe.each(ENGINES)('ingest keeps a bad line to itself on $engine', ({ create }) => {
  let t: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-ingest-safety-'));
    t = await create();
    db = t.db;
  });
  afterAll(async () => {
    await t?.drop();
    await rm(dir, { recursive: true, force: true }); // it holds two 50 MB files
  });
  beforeEach(async () => truncateAll(db));

  const count = async (where = 'true') =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM songs WHERE ${where}`)).rows[0]?.n);

  it('a stray quote costs its own line only: no merged song, no lost neighbour (issue item 1)', async () => {
    // Row 500 opens a quote; row 501's quoted name closes it, so the two used to merge with the right width.
    const merged = await ingestCatalog(
      db,
      await file(
        'stray.csv',
        catalogCsv(1002, (i) =>
          i === 500
            ? '"Broken quote song,Artist 500,2000,rock,happy,0'
            : i === 501
              ? '"Hey Jude",The Beatles,1968,rock,happy,1'
              : undefined,
        ),
      ),
    );
    expect(merged.malformed.samples).toEqual([
      { line: 501, reason: expect.stringMatching(/quote opened on this line/) },
    ]);
    expect(merged).toMatchObject({ read: 1001, songsUpserted: 1001, refused: undefined });
    expect(await count()).toBe(1001);
    expect(await count(`name LIKE '%' || chr(10) || '%' OR name LIKE '%Broken%'`)).toBe(0);
    expect(await count(`name = 'Hey Jude' AND artist = 'The Beatles'`)).toBe(1);

    // A quote that never closes (CRLF line ends, trailing blank lines) used to swallow the rest of the file.
    await truncateAll(db);
    const unclosed = await ingestCatalog(
      db,
      await file(
        'unclosed.csv',
        `${catalogCsv(1002, (i) => (i === 500 ? '"Broken,Artist 500,2000,rock,happy,0' : undefined)).replaceAll('\n', '\r\n')}\r\n\r\n`,
      ),
    );
    expect(unclosed.malformed.samples).toEqual([
      { line: 501, reason: expect.stringMatching(/never closed/) },
    ]);
    expect(unclosed.read).toBe(1001);
    expect(await count(`name = 'Song 501'`)).toBe(1);

    // In a file larger than the record bound, the runaway field is cut off at 1 MiB and reading resumes.
    await truncateAll(db);
    const big = await ingestCatalog(
      db,
      await file(
        'big-stray.csv',
        catalogCsv(40_000, (i) => (i === 10 ? '"Runaway,Artist 10,2000,rock,happy,0' : undefined)),
      ),
    );
    expect(big.malformed.samples).toEqual([
      { line: 11, reason: expect.stringMatching(/runs on past 1 MiB/) },
    ]);
    expect(big.read).toBe(39_999);
  });

  it('multi-line lyrics stay whole while a stray quote in a title is caught (issue item 1)', async () => {
    await ingestCatalog(db, await file('songs.csv', catalogCsv(3)));
    const report = await ingestLyrics(
      db,
      await file(
        'lyrics.csv',
        [
          'title,artist,lyrics',
          'Song 1,Artist 1,"first verse\nsecond verse, with a comma\n""quoted"" third"',
          '"Song 2,Artist 2,one line', // a stray quote: the next line's lyrics used to be lost with it
          'Song 3,Artist 3,"a\nb"',
        ].join('\n'),
      ),
      undefined,
      DIRTY,
    );
    expect(report.malformed.samples).toEqual([
      { line: 5, reason: expect.stringMatching(/^a quote opened on this line does not close on it/) },
    ]);
    const lyrics = (
      await db.query<{ name: string; lyrics: string | null }>('SELECT name, lyrics FROM songs ORDER BY name')
    ).rows;
    expect(lyrics).toEqual([
      { name: 'Song 1', lyrics: 'first verse\nsecond verse, with a comma\n"quoted" third' },
      { name: 'Song 2', lyrics: null },
      { name: 'Song 3', lyrics: 'a\nb' },
    ]);
  });

  it('an oversized name, artist or field skips its line, with its number, not the whole file (issue item 2)', async () => {
    const long = noise(3000);
    const catalog = await ingestCatalog(
      db,
      await file(
        'long-name.csv',
        catalogCsv(2000, (i) =>
          i === 1000
            ? `${long},Artist,2000,rock,happy,1`
            : i === 1500
              ? `Song 1500,${long},2000,rock,happy,1`
              : undefined,
        ),
      ),
    );
    expect(catalog.malformed.samples).toEqual([
      { line: 1001, reason: 'name is 3,000 characters, over the 500 limit' },
      { line: 1501, reason: 'artist is 3,000 characters, over the 500 limit' },
    ]);
    expect(catalog.songsUpserted).toBe(1998);

    // A 50 MB field on one line: skipped while it streams past, the lines around it load.
    await truncateAll(db);
    const huge = await ingestCatalog(
      db,
      await file(
        'huge-field.csv',
        catalogCsv(100, (i) =>
          i === 50 ? `Song 50,Artist,2000,rock,${'x'.repeat(50 * 1024 * 1024)},1` : undefined,
        ),
      ),
    );
    expect(huge.malformed.samples).toEqual([{ line: 51, reason: 'line is longer than 1 MiB' }]);
    expect(huge.read).toBe(99);

    // The Kaggle layout, as the real 12.4M-row file has such rows.
    await truncateAll(db);
    const kaggle = await ingestKaggle(db, {
      trackMeta: await file(
        'track_meta.tsv',
        [
          'song_id\tsong_name\tband',
          ...Array.from({ length: 2000 }, (_, k) => `${k + 1}\t${k === 999 ? long : `Song ${k + 1}`}\tBand`),
        ].join('\n'),
      ),
      interactions: await file(
        'interactions.csv',
        `user,item\nu1,1\n${noise(300)},2\n${'u2,1000\n'.repeat(20)}`,
      ),
    });
    expect(kaggle.tracks.malformed.samples).toEqual([
      { line: 1001, reason: 'song_name is 3,000 characters, over the 500 limit' },
    ]);
    expect(kaggle.interactions.malformed.samples).toEqual([
      { line: 3, reason: 'user is 300 characters, over the 200 limit' },
    ]);
    expect(kaggle.songsUpserted).toBe(1999);
  });

  it('cuts lyrics, genre and tags to their limits and says so; bounds the match key in bytes (issue item 2)', async () => {
    const lyrics = noise(150_000);
    const tags = ['ok', noise(41), ...Array.from({ length: 25 }, (_, i) => `t${i}`)].join(';');
    // U+FDFA is one character that NFKD turns into eighteen: 500 of them passed the name bound.
    const expanding = '\uFDFA'.repeat(500);
    const report = await ingestCatalog(
      db,
      await file(
        'cut.jsonl',
        [
          JSON.stringify({ name: 'Long Lyrics', artist: 'A', lyrics }),
          JSON.stringify({ name: 'Long Genre', artist: 'B', genre: noise(150) }),
          JSON.stringify({ name: 'Many Tags', artist: 'C', tags }),
          JSON.stringify({ name: expanding, artist: 'D' }),
        ].join('\n'),
      ),
    );
    expect(report.read).toBe(4);
    expect(report.adjusted.samples).toEqual([
      { line: 1, reason: 'lyrics cut from 150,000 to 100,000 characters' },
      { line: 2, reason: 'genre cut from 150 to 100 characters' },
      { line: 3, reason: '7 tag(s) dropped (over 40 characters or beyond 20)' },
    ]);
    const rows = (
      await db.query<{
        name: string;
        lyrics: string | null;
        genre: string | null;
        tags: string[];
        key_bytes: number;
      }>('SELECT name, lyrics, genre, tags, octet_length(match_key) AS key_bytes FROM songs ORDER BY artist')
    ).rows;
    expect(rows[0]?.lyrics).toBe(lyrics.slice(0, 100_000));
    expect(rows[1]?.genre).toHaveLength(100);
    expect(rows[2]?.tags).toHaveLength(20);
    expect(rows[3]?.name).toBe(expanding);
    expect(rows[3]?.key_bytes).toBeLessThanOrEqual(2000);
  });

  it('reads any file it is given or says in one line why not (issue item 3)', async () => {
    await expect(ingestCatalog(db, dir)).rejects.toThrow(`${dir} is a directory, not a file`);
    await expect(ingestCatalog(db, path.join(dir, 'missing.csv'))).rejects.toThrow(
      /missing\.csv: no such file$/,
    );

    const bom = await ingestCatalog(
      db,
      await file('bom.jsonl', '\uFEFF{"name":"First","artist":"A"}\n{"name":"Second","artist":"B"}\n'),
    );
    expect(bom).toMatchObject({ read: 2, songsUpserted: 2 });
    expect(bom.malformed.count).toBe(0);

    const upper = await ingestCatalog(db, await file('UPPER.JSONL', '{"name":"Third","artist":"C"}\n'));
    expect(upper).toMatchObject({ read: 1, songsUpserted: 1 });

    const array = JSON.stringify(
      [
        { name: 'One', artist: 'A' },
        { name: 'Two', artist: 'B' },
      ],
      null,
      2,
    );
    await expect(ingestCatalog(db, await file('array.json', array))).rejects.toThrow(
      /is one JSON array.*jq -c/,
    );
    const compactArray = '[\n{"name":"One","artist":"A"},\n{"name":"Two","artist":"B"}\n]\n';
    await expect(ingestCatalog(db, await file('array2.json', compactArray))).rejects.toThrow(
      /one JSON array/,
    );
    expect(await count()).toBe(3);

    // A 50 MB line with no newline: counted, and no message repeats it.
    const hugeLine = await ingestCatalog(
      db,
      await file('huge.jsonl', `{"name":"Fourth","artist":"D"}\n{"name":"${'y'.repeat(50 * 1024 * 1024)}`),
      undefined,
      DIRTY,
    );
    expect(hugeLine.malformed.samples).toEqual([{ line: 2, reason: 'line is longer than 1 MiB' }]);
    expect(hugeLine.read).toBe(1);
    const header = await ingestCatalog(db, await file('huge-header.csv', 'z'.repeat(50 * 1024 * 1024))).catch(
      (e: Error) => e,
    );
    expect(header).toBeInstanceOf(Error);
    expect((header as Error).message).toBe(
      `${path.join(dir, 'huge-header.csv')}: cannot read the header line: longer than 1 MiB`,
    );
    const wide = await ingestCatalog(db, await file('wide.csv', `${noise(5000)},b,c\n1,2,3\n`)).catch(
      (e: Error) => e,
    );
    expect((wide as Error).message.length).toBeLessThan(300);
  });

  it('writes nothing when every line, or too large a share, is malformed (issue item 4)', async () => {
    const allBad = await ingestCatalog(
      db,
      await file('all-bad.csv', `name,artist,year\n${'a,b,c,d\n'.repeat(10)}`),
    );
    expect(allBad.refused).toMatch(/all 10 line\(s\) malformed; nothing was written$/);
    expect(allBad.songsUpserted).toBe(0);

    const someBad = catalogCsv(100, (i) => (i % 5 === 0 ? 'Bad,Row,2000,rock,happy,-1' : undefined));
    const refused = await ingestCatalog(db, await file('some-bad.csv', someBad));
    expect(refused.refused).toMatch(
      /20 of 100 lines malformed \(20%\), over the 10% limit; nothing was written$/,
    );
    expect(refused.malformed.count).toBe(20);
    expect(await count()).toBe(0);

    const allowed = await ingestCatalog(db, await file('some-bad.csv', someBad), undefined, {
      maxMalformedShare: 0.25,
    });
    expect(allowed).toMatchObject({ refused: undefined, songsUpserted: 80 });

    const empty = await ingestCatalog(db, await file('empty.csv', 'name,artist\n'));
    expect(empty.refused).toMatch(/no rows to load/);
    const noTracks = await ingestKaggle(db, {
      trackMeta: await file('tracks.tsv', 'song_id\tsong_name\tband\nx\ty\tz\n'),
      interactions: await file('i.csv', 'user,item\nu1,1\n'),
    });
    expect(noTracks.refused).toMatch(/tracks\.tsv: all 1 line\(s\) malformed/);
  });

  it('drops the staging tables of killed ingests, never those of a live one (issue item 5)', async () => {
    const staging = async () =>
      (
        await db.query<{ name: string }>(
          `SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'ingest\\_%' ORDER BY 1`,
        )
      ).rows.map((r) => r.name);
    // What a SIGKILLed ingest leaves: tables of a token nobody holds.
    await db.exec('CREATE UNLOGGED TABLE ingest_catalog_0badc0de (line integer)');
    await db.exec('CREATE UNLOGGED TABLE ingest_tracks_0badf00d (line integer)');
    await db.exec('CREATE UNLOGGED TABLE ingest_interactions_0badf00d (line integer)');
    await db.exec('CREATE TABLE ingest_notes (line integer)'); // not a staging name: never touched
    const report = await ingestCatalog(db, await file('one.csv', catalogCsv(1)));
    expect(report.staleStagingTablesDropped).toBe(3);
    expect(await staging()).toEqual(['ingest_notes']);
    await db.exec('DROP TABLE ingest_notes');
  });

  it('rejects out-of-range popularity and invalid years, with the line (issue item 6)', async () => {
    const report = await ingestCatalog(
      db,
      await file(
        'numbers.csv',
        [
          'name,artist,year,popularity',
          'Huge,A,2000,1e308',
          'Normal,B,2000,50',
          'Future,C,3000,1',
          'Negative,D,-1,1',
          'Suffix,E,1999abc,1',
          'Unknown,F,0,1',
          'Blank,G,,',
          'NaN,H,2000,NaN',
          'Hex,I,2000,0x10',
          'Minus,J,2000,-5',
        ].join('\n'),
      ),
      undefined,
      DIRTY,
    );
    expect(report.malformed.samples).toEqual([
      { line: 2, reason: 'popularity "1e308" is not a number from 0 to 10,000,000,000' },
      { line: 4, reason: `year "3000" is not a year from 1000 to ${new Date().getUTCFullYear() + 1}` },
      { line: 5, reason: `year "-1" is not a year from 1000 to ${new Date().getUTCFullYear() + 1}` },
      { line: 6, reason: `year "1999abc" is not a year from 1000 to ${new Date().getUTCFullYear() + 1}` },
      { line: 9, reason: 'popularity "NaN" is not a number from 0 to 10,000,000,000' },
      { line: 10, reason: 'popularity "0x10" is not a number from 0 to 10,000,000,000' },
      { line: 11, reason: 'popularity "-5" is not a number from 0 to 10,000,000,000' },
    ]);
    const rows = (
      await db.query<{ name: string; year: number | null; popularity_score: number }>(
        'SELECT name, year, popularity_score FROM songs ORDER BY name',
      )
    ).rows;
    expect(rows).toEqual([
      { name: 'Blank', year: null, popularity_score: 0 },
      { name: 'Normal', year: 2000, popularity_score: 50 },
      { name: 'Unknown', year: null, popularity_score: 1 },
    ]);
    const json = await ingestCatalog(
      db,
      await file(
        'numbers.jsonl',
        '{"name":"J","artist":"K","year":1999.5}\n{"name":"L","artist":"M","year":1999,"popularity":1e20}\n{"name":"N","artist":"O","year":1999}\n',
      ),
      undefined,
      DIRTY,
    );
    expect(json.malformed.samples.map((s) => s.line)).toEqual([1, 2]);
    expect(json.read).toBe(1);
  });
});

describe('matchKey', () => {
  it.each([
    ['Bohemian Rhapsody - Remastered 2011', 'Queen', 'bohemian rhapsody|queen'],
    ['Don’t Stop Me Now', 'Queen', 'dont stop me now|queen'],
    ['Café del Mar (feat. X)', 'Energy 52 feat. Y', 'cafe del mar|energy 52'],
    ['Hello, Goodbye', 'The Beatles', 'hello goodbye|beatles'],
    ['Love & Hate [Live]', 'Simon & Garfunkel', 'love and hate|simon and garfunkel'],
    ['Up - Down', 'Band', 'up down|band'],
  ])('%s by %s → %s', (title, artist, key) => {
    expect(matchKey(title, artist)).toBe(key);
  });
});
