/**
 * The embedded engine: PGlite (PostgreSQL compiled to WASM) with pgvector, data kept in a folder on disk.
 * Single connection, so fine for thousands of songs, not millions (native PostgreSQL is the scale path).
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { lockDataDir } from './data-dir-lock.ts';
import { type Database, type Queryable, type Row, toCopyCsvLine } from './database.ts';

// PGlite's COPY reads a Blob, so large loads go in chunks to keep memory bounded.
const COPY_CHUNK_ROWS = 20_000;
/** How long a second process waits for the data folder before it gives up with "in use by PID N". */
export const DATA_DIR_LOCK_WAIT_MS = 5_000;

export async function openPGlite(
  dataDir: string | undefined,
  options: { lockWaitMs?: number } = {},
): Promise<Database> {
  let unlock = async () => {};
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir, options.lockWaitMs ?? DATA_DIR_LOCK_WAIT_MS);
  }
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir ?? 'memory://', { extensions: { vector } });
  } catch (error) {
    await unlock();
    // PGlite can reject with a bare object, which would print as "[object Object]".
    if (error instanceof Error) throw error;
    let detail: string;
    try {
      detail = JSON.stringify(error) ?? String(error);
    } catch {
      detail = String(error);
    }
    throw new Error(`cannot open the embedded database ${dataDir ?? 'in memory'}: ${detail.slice(0, 200)}`);
  }

  const asQueryable = (q: Pick<PGlite, 'query'>): Queryable => ({
    query: async <R extends Row>(text: string, params?: readonly unknown[]) => {
      const result = await q.query<R>(text, params as unknown[] | undefined);
      return { rows: result.rows };
    },
  });

  const flush = async (table: string, columns: readonly string[], lines: string[]) => {
    if (lines.length === 0) return;
    await db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
      blob: new Blob(lines),
    });
  };

  return {
    engine: 'pglite',
    ...asQueryable(db),
    async exec(sql) {
      await db.exec(sql);
    },
    // One connection already: a session is the database itself.
    session: (fn) => fn(asQueryable(db)),
    transaction(fn) {
      return db.transaction((tx) => fn(asQueryable(tx)));
    },
    async copyFrom(table, columns, rows) {
      let lines: string[] = [];
      let count = 0;
      for await (const row of rows) {
        lines.push(toCopyCsvLine(row));
        count++;
        if (lines.length >= COPY_CHUNK_ROWS) {
          await flush(table, columns, lines);
          lines = [];
        }
      }
      await flush(table, columns, lines);
      return count;
    },
    async close() {
      try {
        await db.close();
      } finally {
        await unlock();
      }
    },
  };
}
