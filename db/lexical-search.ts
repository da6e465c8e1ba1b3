/**
 * Hybrid retrieval's lexical half, on both engines: PostgreSQL full-text search over `song_lexemes(name,
 * artist, genre, tags)` (migration 003), answered by its GIN index — never a sequential scan. Words are
 * stemmed the same way on both sides ('english': "driving" finds "drive").
 *
 * Bounded twice: the index hands over at most SCAN_LIMIT matching songs per branch before any is ranked —
 * a common word ("night") can match tens of thousands of titles in a large catalog, and ranking reads each
 * row — and only `limit` of those come back. A multi-word request also asks for the songs that match every
 * group of words, so the best matches are not lost to the cut of the broad branch. Not bounded: reading the
 * words' posting lists, which grows with how many songs carry them (README, "Serving the whole catalog").
 *
 * Both queries run with sequential scans off. For a common word the planner otherwise prefers reading the
 * table until LIMIT matches turn up, computing the tsvector of every row it reads (the index holds the
 * lexemes, the table does not) — 90 ms for 2,000 matches on 1M synthetic songs — and for a theme no song
 * has, that read would be the whole table.
 */

import pgvector from 'pgvector';
import type { KeyedSong, LexicalQuery, LexicalTheme, Vector } from '../core/ports.ts';
import type { Candidate, MoodFilters } from '../core/types.ts';
import { type CandidateRow, toCandidate } from './candidate-rows.ts';
import type { Database, Queryable } from './database.ts';
import type { EmbeddingModel } from './embedding-models.ts';
import { songFilterConditions } from './song-filters.ts';

/** Matching songs taken from the index per branch before ranking. */
const SCAN_LIMIT = 1_000;
/** A request is at most 200 characters; these bound what reaches the query even so. */
const MAX_GROUPS = 16;
const MAX_WORDS_PER_GROUP = 16;
const MAX_WORD_CHARS = 40;
/**
 * ts_rank's weights for D (artist), C (title), B (genre), A (tags): a tag says what the song is about; a
 * title word often does ("Midnight City"); an artist's name rarely ("The Beach Boys" are not beach songs).
 */
const RANK_WEIGHTS = '{0.05, 0.4, 0.6, 1.0}';

const LEXEMES = 'song_lexemes(s.name, s.artist, s.genre, s.tags)';

/**
 * Words as tsquery operands: letters and digits only, so nothing a user types can be query syntax. The
 * query text is a parameter of to_tsquery, which stems the words and drops stop words.
 */
export function tsqueryWords(words: readonly string[]): string[] {
  const out = new Set<string>();
  for (const word of words) {
    for (const part of word
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .split(/[^a-z0-9]+/)) {
      if (part !== '' && part.length <= MAX_WORD_CHARS) out.add(part);
    }
  }
  return [...out].slice(0, MAX_WORDS_PER_GROUP);
}

function groupText(words: readonly string[], weights = ''): string | undefined {
  const operands = tsqueryWords(words);
  if (operands.length === 0) return undefined;
  return `(${operands.map((w) => `${w}${weights}`).join(' | ')})`;
}

/** The query's broad form (any group) and, with two or more groups, its narrow one (every group). */
export function tsqueries(query: Pick<LexicalQuery, 'groups'>): { any?: string; every?: string } {
  const groups = query.groups
    .slice(0, MAX_GROUPS)
    .map((g) => groupText(g))
    .filter((g): g is string => g !== undefined);
  if (groups.length === 0) return {};
  return { any: groups.join(' | '), ...(groups.length > 1 ? { every: groups.join(' & ') } : {}) };
}

/**
 * Songs matching the query's words, best lexical match first, with their similarity to `vector`. Songs
 * that match equally well (two tags "night" and "driving", say) are ordered by that similarity, so the list
 * already leans to the request's mood before it is fused with the vector search's.
 */
export async function lexicalSearch(
  db: Database,
  model: EmbeddingModel,
  vector: Vector,
  query: LexicalQuery,
): Promise<Candidate[]> {
  const { any, every } = tsqueries(query);
  if (!any || query.limit <= 0) return [];
  const d = Number(model.dimensions);
  const params: unknown[] = [any, every ?? any, pgvector.toSql(Array.from(vector)), query.limit, SCAN_LIMIT];
  const narrow = every ? 'UNION' : '';
  const where = songFilterConditions(query.filters, params);
  if (query.excludeSongIds && query.excludeSongIds.length > 0) {
    params.push(query.excludeSongIds);
    where.push(`s.id <> ALL($${params.length}::bigint[])`);
  }
  const extra = where.map((c) => ` AND ${c}`).join('');
  // Each branch is a GIN (bitmap) scan cut at SCAN_LIMIT; only the union is ranked and joined to vectors.
  // The narrow branch's count of the broad one is an InitPlan: when false, its scan never starts.
  const sql = `
    WITH q AS (SELECT to_tsquery('english', $1) AS any, to_tsquery('english', $2) AS every),
    broad AS (SELECT s.id FROM songs s, q WHERE ${LEXEMES} @@ q.any${extra} LIMIT $5),
    hits AS (
      SELECT id FROM broad
      ${
        narrow &&
        // Only when the broad branch was cut: otherwise it already holds every song matching all groups.
        `UNION (SELECT s.id FROM songs s, q
                WHERE (SELECT count(*) FROM broad) >= $5 AND ${LEXEMES} @@ q.every${extra} LIMIT $5)`
      }
    )
    SELECT s.id::text AS id, s.name, s.artist, s.year::int AS year, s.genre, s.tags,
           s.popularity_score AS popularity,
           1 - (e.embedding::halfvec(${d}) <=> $3::halfvec(${d})) AS similarity
    FROM hits h
    JOIN songs s ON s.id = h.id
    JOIN song_embeddings e ON e.model_id = ${Number(model.id)} AND e.song_id = s.id
    CROSS JOIN q
    ORDER BY ts_rank('${RANK_WEIGHTS}', ${LEXEMES}, q.any) DESC, similarity DESC, s.id
    LIMIT $4`;
  const rows = await indexOnly(db, (tx) => tx.query<CandidateRow>(sql, params));
  return rows.rows.map(toCandidate);
}

/**
 * The names of the themes some song names in its tags, genre or title. One EXISTS per theme, each an index
 * probe that stops at the first match.
 */
export async function themesInCatalog(
  db: Database,
  themes: readonly LexicalTheme[],
  filters?: MoodFilters,
): Promise<Set<string>> {
  // `:ABC` leaves the artist (weight D) out: The Beach Boys do not make a catalog hold beach songs.
  const asked = themes
    .map((t) => ({ name: t.name, query: groupText(t.words, ':ABC') }))
    .filter((t): t is { name: string; query: string } => t.query !== undefined)
    .slice(0, MAX_GROUPS);
  if (asked.length === 0) return new Set();
  const params: unknown[] = [asked.map((t) => t.name), asked.map((t) => t.query)];
  const extra = songFilterConditions(filters, params)
    .map((c) => ` AND ${c}`)
    .join('');
  const { rows } = await indexOnly(db, (tx) =>
    tx.query<{ name: string }>(
      `SELECT t.name FROM unnest($1::text[], $2::text[]) AS t(name, query)
     WHERE EXISTS (SELECT 1 FROM songs s WHERE ${LEXEMES} @@ to_tsquery('english', t.query)${extra})`,
      params,
    ),
  );
  return new Set(rows.map((r) => r.name));
}

/** Runs `read` with sequential scans off (see the head of this file); SET LOCAL needs a transaction. */
function indexOnly<T>(db: Database, read: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_seqscan = off');
    return read(tx);
  });
}

/**
 * Songs by match key (`songs_match_key_idx`), the most popular one per key, with the live model's vector.
 * Keys are bounded by the caller (a handful of suggestions).
 */
export async function songsByKey(
  db: Queryable,
  model: EmbeddingModel,
  keys: readonly string[],
  vector: Vector,
): Promise<KeyedSong[]> {
  if (keys.length === 0) return [];
  const d = Number(model.dimensions);
  const { rows } = await db.query<CandidateRow & { key: string; embedding: string }>(
    `SELECT DISTINCT ON (s.match_key) s.match_key AS key, s.id::text AS id, s.name, s.artist,
            s.year::int AS year, s.genre, s.tags, s.popularity_score AS popularity,
            e.embedding::text AS embedding,
            1 - (e.embedding::halfvec(${d}) <=> $2::halfvec(${d})) AS similarity
     FROM songs s
     JOIN song_embeddings e ON e.model_id = ${Number(model.id)} AND e.song_id = s.id
     WHERE s.match_key = ANY($1::text[])
     ORDER BY s.match_key, s.popularity_score DESC, s.id`,
    [keys, pgvector.toSql(Array.from(vector))],
  );
  return rows.map((r) => ({
    key: r.key,
    candidate: toCandidate(r),
    vector: Float32Array.from(pgvector.fromSql(r.embedding) as number[]),
  }));
}

/** Up to this many songs are counted exactly; a larger catalog is sampled (about this many rows). */
const EXACT_COUNT_UP_TO = 100_000;

/**
 * The share of songs with lyrics. A small catalog is counted; a large one (the planner's row estimate above
 * EXACT_COUNT_UP_TO) is estimated from a block sample of about that many rows, so the answer costs the same
 * at 12.4M songs as at 100K.
 */
export async function lyricsShare(db: Queryable): Promise<number> {
  const [estimate] = (
    await db.query<{ rows: number }>(
      "SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = 'songs'::regclass",
    )
  ).rows;
  const estimated = Number(estimate?.rows ?? 0);
  const sample =
    estimated > EXACT_COUNT_UP_TO
      ? `songs TABLESAMPLE SYSTEM (${Math.min(100, (100 * EXACT_COUNT_UP_TO) / estimated).toFixed(4)})`
      : 'songs';
  const [row] = (
    await db.query<{ share: number | null }>(
      `SELECT avg(CASE WHEN lyrics IS NOT NULL THEN 1 ELSE 0 END)::float8 AS share FROM ${sample}`,
    )
  ).rows;
  return Number(row?.share ?? 0);
}
