import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { matchKey } from '../core/normalize.ts';
import type { Database } from '../db/database.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { ingestKaggle } from '../db/ingest/kaggle.ts';
import { ingestLyrics } from '../db/ingest/lyrics.ts';
import { ENGINES, type TestDatabase, truncateAll } from './support/databases.ts';

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
    const report = await ingestKaggle(db, {
      trackMeta: await file('track_meta.tsv', TRACK_META),
      interactions: await file('user_item_interaction.csv', INTERACTIONS),
    });

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
    await ingestKaggle(db, files);
    const same = await ingestKaggle(db, files);
    expect(same.songsUpserted).toBe(0);
    const more = await ingestKaggle(db, {
      trackMeta: files.trackMeta,
      interactions: await file('more.csv', `${INTERACTIONS}\nu7,7\n`),
    });
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
        'Broken Year,Band,not-a-year,rock,sad,5',
      ].join('\n'),
    );
    const first = await ingestCatalog(db, csv);
    expect(first).toMatchObject({ read: 3, songsUpserted: 3 });
    expect(first.malformed.samples).toEqual([{ line: 4, reason: 'name is empty' }]);
    const again = await ingestCatalog(db, csv);
    expect(again.songsUpserted).toBe(0);
    const rows = (
      await db.query<{ name: string; tags: string[]; year: number | null }>(
        'SELECT name, tags, year FROM songs ORDER BY name',
      )
    ).rows;
    expect(rows).toEqual([
      { name: 'Broken Year', tags: ['sad'], year: null },
      { name: 'Hello, Goodbye', tags: ['happy', 'playful'], year: 1967 },
      { name: 'Mr. Brightside', tags: ['happy', 'energetic', 'anthem'], year: 2003 },
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
    const fromJson = await ingestCatalog(db, jsonl);
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
