/**
 * Hybrid retrieval's lexical half on both engines (real PGlite and PostgreSQL + pgvector): the songs' own
 * words found through the GIN index of migration 003, stemmed, weighted (tags over titles over artists),
 * bounded, filtered like the vector search, and safe for any text a user types.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchKey } from '../core/normalize.ts';
import type { SongIndex } from '../core/ports.ts';
import type { Database, Queryable } from '../db/database.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createSongIndex } from '../db/song-index.ts';
import { ENGINES, type TestDatabase } from './support/databases.ts';
import { localEmbedder } from './support/models.ts';

const CATALOG = [
  'name,artist,year,genre,tags,lyrics,popularity',
  'Nightcall,Kavinsky,2010,electronic,relaxed;mellow;night;driving,,70',
  'Midnight City,M83,2011,electronic,happy;energetic;night,,80',
  'Drive,The Cars,1984,new wave,sad;mellow;lonely,,60',
  'Riders on the Storm,The Doors,1971,rock,relaxed;mellow;rain;dark,,65',
  'Surfin’ Safari,The Beach Boys,1962,rock,happy;energetic;fun,,50',
  'Weightless,Marconi Union,2011,ambient,relaxed;mellow;peaceful;focus,,60',
  'Eye of the Tiger,Survivor,1982,rock,angry;energetic;workout,,90',
  'Hurt,Johnny Cash,2002,country,sad;mellow,"I hurt myself today",85',
].join('\n');

describe.each(ENGINES)('lexical search on $engine', ({ create }) => {
  let t: TestDatabase;
  let index: Required<SongIndex>;
  let query: Float32Array;

  beforeAll(async () => {
    const [db, embedder] = await Promise.all([create(), localEmbedder()]);
    t = db;
    const dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-lexical-'));
    await writeFile(path.join(dir, 'catalog.csv'), CATALOG);
    await ingestCatalog(t.db, path.join(dir, 'catalog.csv'));
    const { modelId } = await backfillEmbeddings(t.db, embedder);
    await activate(t.db, modelId);
    index = createSongIndex(t.db) as Required<SongIndex>;
    [query] = (await embedder.embed(['late night drive'], 'query')) as [Float32Array];
  });
  afterAll(async () => t?.drop());

  /**
   * 20,000 more songs, a third of them "night" songs (once per engine): for so common a word the planner
   * would rather read the table until enough rows match, and the index holds more matches than are read.
   */
  let grown = false;
  const growCatalog = async () => {
    if (grown) return;
    grown = true;
    await t.db.exec(`INSERT INTO songs (id, name, artist, match_key)
      SELECT 1000000 + g, CASE WHEN g % 3 = 0 THEN 'Night number ' ELSE 'Song number ' END || g,
             'Artist ' || (g % 500), 'k' || g
      FROM generate_series(1, 20000) g;
      ANALYZE songs;`);
  };

  const names = async (
    groups: string[][],
    extra: { limit?: number; yearTo?: number; exclude?: string[] } = {},
  ) =>
    (
      await index.lexicalSearch(query, {
        groups,
        limit: extra.limit ?? 10,
        filters: extra.yearTo === undefined ? undefined : { yearTo: extra.yearTo },
        excludeSongIds: extra.exclude,
      })
    ).map((c) => c.name);

  it('finds songs by their tags, title and genre, stemmed: "driving" finds the song called "Drive"', async () => {
    const found = await names([['driving']]);
    expect(found).toContain('Nightcall'); // tag "driving"
    expect(found).toContain('Drive'); // title, stemmed to the same lexeme
    expect(await names([['ambient']])).toEqual(['Weightless']); // genre
  });

  it('ranks a song matching more of the request first, and a tag above an artist’s name', async () => {
    const found = await names([['night'], ['driving']]);
    expect(found[0]).toBe('Nightcall'); // night and driving
    expect(found).toContain('Midnight City');
    // "beach" is only The Beach Boys' name: found, but below a song whose tag says "mellow".
    const beach = await names([['beach'], ['mellow']]);
    expect(beach).toContain('Surfin’ Safari');
    expect(beach.indexOf('Surfin’ Safari')).toBeGreaterThan(beach.indexOf('Riders on the Storm'));
  });

  it('gives each song its cosine similarity to the query vector, as the vector search does', async () => {
    const [hit] = await index.lexicalSearch(query, { groups: [['storm']], limit: 5 });
    const [same] = await index
      .search(query, { limit: 20 })
      .then((all) => all.filter((c) => c.id === hit?.id));
    expect(hit?.similarity).toBeCloseTo(same?.similarity ?? Number.NaN, 3);
  });

  it('keeps to the limit, the year filter and the songs already shown', async () => {
    expect(await names([['mellow']], { limit: 2 })).toHaveLength(2);
    expect(await names([['night']], { yearTo: 2010 })).toEqual(['Nightcall']);
    const [nightcall] = await index.lexicalSearch(query, { groups: [['nightcall']], limit: 1 });
    expect(await names([['night']], { exclude: [nightcall?.id ?? ''] })).toEqual(['Midnight City']);
  });

  it('reads any typed text as words, never as query syntax', async () => {
    for (const hostile of [
      "night') OR 1=1 --",
      '!!&|:*<->()',
      "'; DROP TABLE songs; --",
      'ж€щ ☃',
      '',
      'the and of',
    ]) {
      await expect(names([[hostile]])).resolves.toBeInstanceOf(Array);
    }
    expect(await names([["night') OR 1=1 --"]])).toEqual(
      expect.arrayContaining(['Nightcall', 'Midnight City']),
    );
    expect(await names([['the and of']])).toEqual([]);
  });

  it('knows which themes the catalog has songs for, not counting artists’ names', async () => {
    const present = await index.themesInCatalog([
      { name: 'rain', words: ['rain', 'storm'] },
      { name: 'christmas', words: ['christmas', 'xmas'] },
      { name: 'beach', words: ['beach', 'surf'] },
    ]);
    expect([...present].sort()).toEqual(['rain']);
    expect(await index.themesInCatalog([{ name: 'night', words: ['night'] }], { yearTo: 2000 })).toEqual(
      new Set(),
    );
  });

  it('finds songs by the lyrics matcher’s normalised title + artist, with their vectors', async () => {
    const found = await index.songsByKey(
      [matchKey('Nightcall - Remastered 2011', 'KAVINSKY'), matchKey('Not A Song', 'Nobody')],
      query,
    );
    expect(found.map((f) => f.candidate.name)).toEqual(['Nightcall']);
    expect(found[0]?.vector).toHaveLength(query.length);
  });

  it('measures the share of songs with lyrics', async () => {
    expect(await index.lyricsShare()).toBeCloseTo(1 / 8, 5);
  });

  it('answers from the GIN index, not a sequential scan, even for a word thousands of songs carry', async () => {
    await growCatalog();
    // The product's own queries, each EXPLAINed just before it runs, in its transaction and settings.
    const plans: string[] = [];
    const explain = (q: Queryable): Queryable => ({
      async query(text, params) {
        if (text.includes('song_lexemes')) {
          const { rows } = await q.query<Record<string, string>>(`EXPLAIN ${text}`, params);
          plans.push(rows.map((r) => Object.values(r)[0]).join('\n'));
        }
        return q.query(text, params);
      },
    });
    const explaining: Database = {
      ...t.db,
      query: (text, params) => explain(t.db).query(text, params),
      transaction: (fn) => t.db.transaction((tx) => fn(explain(tx))),
    };
    const explained = createSongIndex(explaining) as Required<SongIndex>;
    const found = await explained.lexicalSearch(query, { groups: [['night'], ['driving']], limit: 10 });
    expect(found.map((c) => c.name)).toEqual(expect.arrayContaining(['Nightcall', 'Drive']));
    await explained.themesInCatalog([
      { name: 'night', words: ['night'] },
      { name: 'christmas', words: ['christmas'] },
    ]);
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(plan).toContain('songs_lexemes_idx');
      expect(plan).not.toMatch(/Seq Scan on songs/);
    }
  });

  it('still finds the song matching every word when a common word alone matches more songs than it reads', async () => {
    await growCatalog();
    // Stored after the thousands of "night" songs above, so the broad branch's first thousand never reach it.
    await t.db.exec(`INSERT INTO songs (id, name, artist, match_key) VALUES (2000000, 'Night Train Home', 'Late Band', 'nth');
      INSERT INTO song_embeddings (model_id, song_id, embedding)
        SELECT model_id, 2000000, embedding FROM song_embeddings LIMIT 1;`);
    expect(await names([['night'], ['home']])).toContain('Night Train Home');
  });
});
