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
): Promise<void> {
  if (rows.length === 0) return;
  // One statement per batch; ON CONFLICT makes a retried batch harmless.
  await db.query(
    `INSERT INTO song_embeddings (model_id, song_id, embedding)
     SELECT $1, u.song_id, u.embedding::halfvec
     FROM unnest($2::bigint[], $3::text[]) AS u(song_id, embedding)
     ON CONFLICT (model_id, song_id) DO NOTHING`,
    [modelId, rows.map((r) => r.songId), rows.map((r) => pgvector.toSql(Array.from(r.vector)))],
  );
}

export interface BackfillProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * Embeds every song that has no embedding for `embedder.model`, in id order with keyset pagination, so an
 * interrupted run resumes where it stopped and never embeds a song twice.
 */
export async function backfillEmbeddings(
  db: Database,
  embedder: Embedder,
  options: { batchSize?: number; onProgress?: (p: BackfillProgress) => void } = {},
): Promise<{ modelId: number; embedded: number }> {
  const batchSize = options.batchSize ?? 256;
  const model = await ensureModel(db, embedder.model, embedder.dimensions);
  const { missing } = await countMissing(db, model.id);
  let after = '-1';
  let embedded = 0;
  options.onProgress?.({ done: 0, total: missing });
  for (;;) {
    const batch = (
      await db.query<PendingSong>(
        `SELECT s.id::text AS id, s.name, s.artist, s.genre, s.tags, s.lyrics
       FROM songs s
       WHERE s.id > $2::bigint
         AND NOT EXISTS (SELECT 1 FROM song_embeddings e WHERE e.model_id = $1 AND e.song_id = s.id)
       ORDER BY s.id LIMIT $3`,
        [model.id, after, batchSize],
      )
    ).rows;
    if (batch.length === 0) break;
    const vectors = await embedder.embed(batch.map(songDocument), 'document');
    await writeEmbeddings(
      db,
      model.id,
      batch.map((song, i) => ({
        songId: song.id,
        vector: vectors[i] ?? new Float32Array(embedder.dimensions),
      })),
    );
    embedded += batch.length;
    after = batch[batch.length - 1]?.id ?? after;
    options.onProgress?.({ done: embedded, total: missing });
  }
  return { modelId: model.id, embedded };
}
