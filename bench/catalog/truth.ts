/**
 * Queries and exact ground truth at catalog scale. Queries are half "near a song" (a catalog vector moved by
 * noise, as a mood close to a song) and half fresh samples of the synthetic space; each has a companion vector
 * near it that stands in for the original's separate HyDE search. The exact top 10 comes from one streaming
 * pass over every stored embedding (binary COPY), scoring all queries per row — one read of the table, where
 * a sequential scan per query would read it once per query.
 */
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import pgvector from 'pgvector';
import { mulberry32 } from '../../core/rerank.ts';
import type { SyntheticCatalog } from '../synthetic-vectors.ts';

export const K = 10;

export interface CatalogQuery {
  readonly kind: 'near-song' | 'fresh';
  readonly vector: number[];
  /** Near `vector` (cosine ≈ 0.95): the original's second, HyDE search. */
  readonly hyde: number[];
}

export interface Truth {
  readonly queries: CatalogQuery[];
  /** Song ids of the exact top K per query, nearest first. */
  readonly nearest: string[][];
  /** Cosine similarity of the exact K-th nearest, per query: what a found song must reach to count. */
  readonly kth: number[];
  readonly seconds: number;
}

export async function makeQueries(
  client: pg.ClientBase,
  space: SyntheticCatalog,
  options: { count: number; seed: number; modelId: number; maxSongId: number },
): Promise<CatalogQuery[]> {
  const random = mulberry32(options.seed ^ 0x51ed270b);
  const near = Math.ceil(options.count / 2);
  const ids = Array.from({ length: near * 3 }, () => Math.floor(random() * (options.maxSongId + 1)));
  const { rows } = await client.query<{ embedding: string }>(
    `SELECT embedding::text AS embedding FROM song_embeddings
     WHERE model_id = $1 AND song_id = ANY($2::bigint[]) LIMIT $3`,
    [options.modelId, ids, near],
  );
  const sources = rows.map((r) => Float32Array.from(pgvector.fromSql(r.embedding) as number[]));
  const d = space.dims;
  const queries: CatalogQuery[] = [];
  for (let i = 0; i < options.count; i++) {
    const source = sources[i >> 1];
    const vector =
      i % 2 === 0 && source
        ? space.perturbed(source, 0.4 + 0.2 * random(), random, new Float32Array(d))
        : space.freshQuery(random, new Float32Array(d));
    const hyde = space.perturbed(vector, 0.3, random, new Float32Array(d));
    queries.push({
      kind: i % 2 === 0 && source ? 'near-song' : 'fresh',
      vector: Array.from(vector),
      hyde: Array.from(hyde),
    });
  }
  return queries;
}

/** binary16 → float32 for every bit pattern. */
const HALF = (() => {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    table[h] =
      exponent === 0
        ? sign * 2 ** -14 * (mantissa / 1024)
        : exponent === 31
          ? mantissa
            ? Number.NaN
            : sign * Number.POSITIVE_INFINITY
          : sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
  }
  return table;
})();

export async function groundTruth(
  client: pg.ClientBase,
  queries: readonly CatalogQuery[],
  options: { modelId: number; dims: number; rows: number; onProgress?: (done: number) => void },
): Promise<Truth> {
  const started = performance.now();
  const d = options.dims;
  const q = queries.length;
  const matrix = new Float32Array(q * d);
  queries.forEach((query, i) => {
    matrix.set(query.vector, i * d);
  });
  // Per query, the K best (score, id) so far, unsorted, and the position of the worst.
  const scores = new Float64Array(q * K).fill(Number.NEGATIVE_INFINITY);
  const ids = new Float64Array(q * K);
  const worst = new Int32Array(q);
  const row = new Float32Array(d);

  const score = (songId: number) => {
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (row[j] as number) * (row[j] as number);
    const inv = 1 / Math.sqrt(norm || 1);
    for (let i = 0; i < q; i++) {
      const base = i * d;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += (matrix[base + j] as number) * (row[j] as number);
      const s = dot * inv;
      const w = i * K + (worst[i] as number);
      if (s <= (scores[w] as number)) continue;
      scores[w] = s;
      ids[w] = songId;
      let at = 0;
      for (let k = 1; k < K; k++) if ((scores[i * K + k] as number) < (scores[i * K + at] as number)) at = k;
      worst[i] = at;
    }
  };

  const stream = client.query(
    copyTo(
      `COPY (SELECT song_id, embedding FROM song_embeddings WHERE model_id = ${Number(options.modelId)})
       TO STDOUT (FORMAT binary)`,
    ),
  );
  let carry: Buffer = Buffer.alloc(0);
  let headerDone = false;
  let done = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let at = 0;
    if (!headerDone) {
      if (buf.length < 19) {
        carry = buf;
        continue;
      }
      at = 19 + buf.readInt32BE(15);
      headerDone = true;
    }
    // A tuple: int16 field count; song_id as int32 length + int64; halfvec as int32 length + int16 dim +
    // int16 unused + dim × binary16.
    const tuple = 2 + 4 + 8 + 4 + 4 + 2 * d;
    while (buf.length - at >= 2) {
      if (buf.readInt16BE(at) === -1) {
        at = buf.length;
        break;
      }
      if (buf.length - at < tuple) break;
      const songId = Number(buf.readBigInt64BE(at + 6));
      const v = at + 2 + 4 + 8 + 4 + 4;
      for (let j = 0; j < d; j++) row[j] = HALF[buf.readUInt16BE(v + 2 * j)] as number;
      score(songId);
      at += tuple;
      if (++done % 100_000 === 0) options.onProgress?.(done);
    }
    carry = buf.subarray(at);
    buf = carry;
  }
  options.onProgress?.(done);
  const best = queries.map((_, i) =>
    Array.from({ length: K }, (_, k) => ({ s: scores[i * K + k] as number, id: ids[i * K + k] as number }))
      .filter((e) => Number.isFinite(e.s))
      .sort((a, b) => b.s - a.s),
  );
  return {
    queries: [...queries],
    nearest: best.map((b) => b.map((e) => String(e.id))),
    kth: best.map((b) => b.at(-1)?.s ?? Number.POSITIVE_INFINITY),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The K-th exact similarity per query, for ground truth cached before it was recorded: from its ids' vectors. */
export async function withKth(client: pg.ClientBase, truth: Truth, modelId: number): Promise<Truth> {
  if (Array.isArray(truth.kth) && truth.kth.length === truth.queries.length) return truth;
  const ids = [...new Set(truth.nearest.flat())];
  const { rows } = await client.query<{ id: string; embedding: string }>(
    `SELECT song_id::text AS id, embedding::text AS embedding FROM song_embeddings
     WHERE model_id = $1 AND song_id = ANY($2::bigint[])`,
    [modelId, ids],
  );
  const vectors = new Map(rows.map((r) => [r.id, pgvector.fromSql(r.embedding) as number[]]));
  const cosine = (a: readonly number[], b: readonly number[]) => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = 0; j < a.length; j++) {
      dot += (a[j] ?? 0) * (b[j] ?? 0);
      na += (a[j] ?? 0) ** 2;
      nb += (b[j] ?? 0) ** 2;
    }
    return dot / Math.sqrt(na * nb || 1);
  };
  const kth = truth.queries.map((q, i) =>
    Math.min(...(truth.nearest[i] ?? []).map((id) => cosine(q.vector, vectors.get(id) ?? []))),
  );
  return { ...truth, kth };
}
