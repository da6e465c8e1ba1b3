/**
 * Hybrid retrieval's lexical half at full size: the product's own `lexicalSearch` (a GIN full-text match of
 * the request's words against tags, genre, title and artist, db/lexical-search.ts), timed alone, beside the
 * vector search as a request runs them (in parallel), and the vector search alone, on the same queries. The
 * generated catalog has no tags, so the words match titles: each of these nouns is in about 1 title in 40
 * (some 300,000 songs), which is the expensive case, a common word.
 */
import type { Database } from '../../db/database.ts';
import { createSongIndex } from '../../db/song-index.ts';
import { log } from './progress.ts';
import type { CatalogQuery, Truth } from './truth.ts';

const WORDS = ['night', 'love', 'rain', 'road', 'summer', 'fire', 'heart', 'dream', 'moon', 'highway'];
/** As the product asks: the vector search's pool and LEXICAL_LIMIT's default. */
const POOL = 200;
const LEXICAL_LIMIT = 100;

export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface LexicalResults {
  readonly requests: number;
  readonly words: readonly string[];
  readonly hitsMean: number;
  readonly lexical: Latency;
  readonly vectorAlone: Latency;
  readonly hybrid: Latency;
  /** The GIN index over the songs' lexemes (migration 003), kept up by every ingest. */
  readonly indexBytes: number;
}

export async function measureLexical(options: {
  db: Database;
  truth: Truth;
  timed: number;
}): Promise<LexicalResults> {
  log('lexical: the hybrid search’s lexical half at full size');
  const index = createSongIndex(options.db);
  const lexical = index.lexicalSearch;
  if (!lexical) throw new Error('this SongIndex has no lexical search');
  const requests = Math.max(50, Math.min(options.timed, 300));
  const ask = (i: number) => {
    const q = options.truth.queries[i % options.truth.queries.length] as CatalogQuery;
    const words = [WORDS[i % WORDS.length] ?? 'night', WORDS[(i * 3 + 1) % WORDS.length] ?? 'love'];
    return { vector: Float32Array.from(q.vector), groups: [...new Set(words)].map((w) => [w]) };
  };
  const time = async (run: (i: number) => Promise<unknown>): Promise<Latency> => {
    for (let i = 0; i < 20; i++) await run(i);
    const ms: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await run(i);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const at = (p: number) => ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)] ?? 0;
    return { p50: at(50), p95: at(95), p99: at(99) };
  };
  let hits = 0;
  const lexicalLatency = await time(async (i) => {
    const { vector, groups } = ask(i);
    hits += (await lexical.call(index, vector, { groups, limit: LEXICAL_LIMIT })).length;
  });
  const vectorAlone = await time((i) => index.search(ask(i).vector, { limit: POOL }));
  const hybrid = await time(async (i) => {
    const { vector, groups } = ask(i);
    await Promise.all([
      index.search(vector, { limit: POOL }),
      lexical.call(index, vector, { groups, limit: LEXICAL_LIMIT }),
    ]);
  });
  const size = await options.db.query<{ bytes: string }>(
    "SELECT pg_relation_size('songs_lexemes_idx')::text AS bytes",
  );
  const result = {
    indexBytes: Number(size.rows[0]?.bytes ?? 0),
    requests,
    words: WORDS,
    hitsMean: hits / (requests + 20),
    lexical: lexicalLatency,
    vectorAlone,
    hybrid,
  };
  log(
    `  lexical p50 ${lexicalLatency.p50.toFixed(1)} ms, p95 ${lexicalLatency.p95.toFixed(1)} ms; ` +
      `vector alone p95 ${vectorAlone.p95.toFixed(1)} ms, both in parallel p95 ${hybrid.p95.toFixed(1)} ms`,
  );
  return result;
}
