/**
 * Ingest loads raw rows into UNLOGGED staging tables with COPY, then lets SQL aggregate and upsert.
 * The database does the grouping (distinct users per song over 12M+ interactions) so Node never has to.
 *
 * Staging tables are regular tables (COPY and the queries after it may run on different pooled
 * connections, so TEMP tables would not be seen), which a killed ingest leaves behind. Each run therefore
 * owns its tables through a token in their names and, on PostgreSQL, a session advisory lock on that
 * token held on one pooled connection for the whole run; the server releases it when that process dies.
 * Every run starts by dropping the tables whose token nobody holds. PGlite is single-process (the data
 * folder is locked, db/data-dir-lock.ts), so there any table not owned by a run of this process is stale.
 */
import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../database.ts';

export interface IngestRun {
  /** Creates an UNLOGGED staging table owned by this run; it is dropped when the run ends. */
  stagingTable(prefix: string, columnsDdl: string): Promise<string>;
  /** How many staging tables of killed ingests this run dropped when it started. */
  readonly staleTablesDropped: number;
}

/** The first key of every ingest advisory lock ("SMIG"), so they cannot collide with other locks. */
const LOCK_NAMESPACE = 0x534d4947;
const STAGING_NAME = /^ingest_[a-z]+_([0-9a-f]{8})$/;
/** Tokens of the runs in progress in this process. */
const liveTokens = new Set<string>();

const lockKey = (token: string) => Number.parseInt(token, 16) | 0;

export async function withIngestRun<T>(db: Database, fn: (run: IngestRun) => Promise<T>): Promise<T> {
  const token = randomBytes(4).toString('hex');
  liveTokens.add(token);
  try {
    return await db.session(async (session) => {
      const locks = db.engine === 'postgres';
      // Taken before any table exists, so no sweeper can ever see this run's tables unowned.
      if (locks) await session.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, lockKey(token)]);
      const tables: string[] = [];
      try {
        const staleTablesDropped = await dropStaleTables(db, session, locks);
        return await fn({
          staleTablesDropped,
          async stagingTable(prefix, columnsDdl) {
            const table = `ingest_${prefix}_${token}`;
            await db.exec(`CREATE UNLOGGED TABLE ${table} (${columnsDdl})`);
            tables.push(table);
            return table;
          },
        });
      } finally {
        // A failed drop is not fatal: the table is unowned once this run ends, and the next run drops it.
        for (const table of tables.reverse()) await db.exec(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
        if (locks) {
          await session
            .query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, lockKey(token)])
            .catch(() => {});
        }
      }
    });
  } finally {
    liveTokens.delete(token);
  }
}

async function dropStaleTables(db: Database, session: Queryable, locks: boolean): Promise<number> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables
     WHERE schemaname = current_schema() AND tablename ~ '^ingest_[a-z]+_[0-9a-f]{8}$'`,
  );
  const byToken = new Map<string, string[]>();
  for (const { name } of rows) {
    const token = STAGING_NAME.exec(name)?.[1];
    if (!token || liveTokens.has(token)) continue;
    byToken.set(token, [...(byToken.get(token) ?? []), name]);
  }
  let dropped = 0;
  for (const [token, tables] of byToken) {
    if (locks) {
      const [got] = (
        await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
          LOCK_NAMESPACE,
          lockKey(token),
        ])
      ).rows;
      if (!got?.ok) continue; // a live ingest in another process owns them
    }
    try {
      for (const table of tables) {
        await db.exec(`DROP TABLE IF EXISTS ${table}`);
        dropped++;
      }
    } finally {
      if (locks) await session.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, lockKey(token)]);
    }
  }
  return dropped;
}

export interface IngestProgress {
  readonly phase: string;
  readonly bytes: number;
  readonly totalBytes: number;
  readonly records: number;
}

export type ProgressListener = (progress: IngestProgress) => void;
