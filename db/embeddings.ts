/** Song embeddings per model, stored as halfvec; the backfill that fills in what a model lacks. */
import pgvector from 'pgvector';
import type { Embedder } from '../core/ports.ts';
import { songDocument } from '../core/song-document.ts';
import type { Database, Queryable } from './database.ts';
import { ensureModel } from './embedding-models.ts';

interface PendingSong extends Record<string, unknown> {
  id: string;
  name: string;
  artist: string | null;
  genre: string | null;
  tags: string[];
  lyrics: string | null;
}

export async function countMissing(
  db: Queryable,
  modelId: number,
): Promise<{ missing: number; total: number }> {
  const [row] = (
    await db.query<{ missing: number; total: number }>(
      `SELECT count(*) FILTER (WHERE e.song_id IS NULL)::int AS missing, count(*)::int AS total
     FROM songs s LEFT JOIN song_embeddings e ON e.song_id = s.id AND e.model_id = $1`,
      [modelId],
    )
  ).rows;
  return { missing: row?.missing ?? 0, total: row?.total ?? 0 };
}

export async function writeEmbeddings(
  db: Queryable,
  modelId: number,
  rows: readonly { songId: string; vector: Float32Array }[],
  onConflict: 'keep' | 'replace' = 'keep',
): Promise<void> {
  if (rows.length === 0) return;
  // One statement per batch; ON CONFLICT makes a retried batch harmless (or refreshes it in a full run).
  await db.query(
    `INSERT INTO song_embeddings (model_id, song_id, embedding)
     SELECT $1, u.song_id, u.embedding::halfvec
     FROM unnest($2::bigint[], $3::text[]) AS u(song_id, embedding)
     ON CONFLICT (model_id, song_id) DO ${onConflict === 'replace' ? 'UPDATE SET embedding = EXCLUDED.embedding' : 'NOTHING'}`,
    [modelId, rows.map((r) => r.songId), rows.map((r) => pgvector.toSql(Array.from(r.vector)))],
  );
}

export interface BackfillProgress {
  readonly done: number;
  readonly total: number;
  /** The last song id written: a restart with `startAfter` set to it redoes nothing. */
  readonly cursor: string;
}

export interface BackfillOptions {
  /** Songs per embedding call. */
  readonly batchSize?: number;
  /** Embedding calls in flight at once (a remote model's latency hides behind it). */
  readonly concurrency?: number;
  /** Re-embed every song (upserting), not only those the model lacks. */
  readonly full?: boolean;
  /** Resume a full run after this song id. */
  readonly startAfter?: string;
  readonly onProgress?: (progress: BackfillProgress) => void | Promise<void>;
  /** Checked between pages; true stops the run (its written pages stay written). */
  readonly shouldStop?: () => Promise<boolean>;
}

/**
 * Embeds the songs that have no embedding for `embedder.model` (or all songs with `full`), in id order with
 * keyset pagination. Each page is written before the next is read, so an interrupted run resumes where it
 * stopped and never embeds a song twice.
 */
export async function backfillEmbeddings(
  db: Database,
  embedder: Embedder,
  options: BackfillOptions = {},
): Promise<{ modelId: number; embedded: number; stopped: boolean }> {
  const batchSize = options.batchSize ?? 256;
  const concurrency = options.concurrency ?? 1;
  const model = await ensureModel(db, embedder.model, embedder.dimensions);
  const { missing } = await countMissing(db, model.id);
  let cursor = options.startAfter ?? '-1';
  const total = options.full ? await countAfter(db, cursor) : missing;
  let embedded = 0;
  await options.onProgress?.({ done: 0, total, cursor });
  for (;;) {
    if (await options.shouldStop?.()) return { modelId: model.id, embedded, stopped: true };
    const missingOnly =
      'AND NOT EXISTS (SELECT 1 FROM song_embeddings e WHERE e.model_id = $3 AND e.song_id = s.id)';
    const page = (
      await db.query<PendingSong>(
        `SELECT s.id::text AS id, s.name, s.artist, s.genre, s.tags, s.lyrics
         FROM songs s
         WHERE s.id > $1::bigint ${options.full ? '' : missingOnly}
         ORDER BY s.id LIMIT $2`,
        options.full ? [cursor, batchSize * concurrency] : [cursor, batchSize * concurrency, model.id],
      )
    ).rows;
    if (page.length === 0) break;
    const batches = Array.from({ length: Math.ceil(page.length / batchSize) }, (_, i) =>
      page.slice(i * batchSize, (i + 1) * batchSize),
    );
    const vectors = (
      await Promise.all(batches.map((b) => embedder.embed(b.map(songDocument), 'document')))
    ).flat();
    await writeEmbeddings(
      db,
      model.id,
      page.map((song, i) => ({
        songId: song.id,
        vector: vectors[i] ?? new Float32Array(embedder.dimensions),
      })),
      options.full ? 'replace' : 'keep',
    );
    embedded += page.length;
    cursor = page[page.length - 1]?.id ?? cursor;
    await options.onProgress?.({ done: embedded, total, cursor });
  }
  return { modelId: model.id, embedded, stopped: false };
}

async function countAfter(db: Queryable, cursor: string): Promise<number> {
  const [row] = (
    await db.query<{ n: number }>('SELECT count(*)::int AS n FROM songs WHERE id > $1::bigint', [cursor])
  ).rows;
  return row?.n ?? 0;
}
