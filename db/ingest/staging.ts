/**
 * Ingest loads raw rows into an UNLOGGED staging table with COPY, then lets SQL aggregate and upsert.
 * The database does the grouping (distinct users per song over 12M+ interactions) so Node never has to.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../database.ts';

export async function withStagingTable<T>(
  db: Database,
  prefix: string,
  columnsDdl: string,
  fn: (table: string) => Promise<T>,
): Promise<T> {
  // A regular (not TEMP) table: COPY and the queries after it may run on different pooled connections.
  const table = `ingest_${prefix}_${randomBytes(4).toString('hex')}`;
  await db.exec(`CREATE UNLOGGED TABLE ${table} (${columnsDdl})`);
  try {
    return await fn(table);
  } finally {
    await db.exec(`DROP TABLE IF EXISTS ${table}`);
  }
}

export interface IngestProgress {
  readonly phase: string;
  readonly bytes: number;
  readonly totalBytes: number;
  readonly records: number;
}

export type ProgressListener = (progress: IngestProgress) => void;
