/** The native engine: a node-postgres pool, bulk loads through COPY FROM STDIN. */
import { once } from 'node:events';
import pRetry from 'p-retry';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { type CopyValue, type Database, type Queryable, type Row, toCopyCsvLine } from './database.ts';

const COPY_CHUNK_CHARS = 64 * 1024;

// bigint (int8) arrives as text by default; ids stay strings (SongId), counts are parsed where read.
export interface PostgresOptions {
  /** Connections this process may hold (DATABASE_POOL_MAX). */
  readonly max?: number;
  /** How long a new connection may take before it counts as failed. */
  readonly connectionTimeoutMillis?: number;
  /** Tries after a refused connection (default 4); a replica takes 0, since the primary stands behind it. */
  readonly connectRetries?: number;
}

/** A server that accepts TCP and never answers must fail a command in seconds, not hang it. */
export const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Connection errors worth a brief retry: the statement never reached the server, so trying again is safe.
 * 53300 too_many_connections, 57P03 cannot_connect_now (starting up or shutting down).
 */
const RETRYABLE_CODES = new Set(['53300', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EAI_AGAIN']);

/** Why PostgreSQL could not be reached, naming the server (never its password). */
export class DatabaseUnavailableError extends Error {
  constructor(server: string, reason: string, options?: { cause?: unknown }) {
    super(`PostgreSQL at ${server}: ${reason}`, options);
    this.name = 'DatabaseUnavailableError';
  }
}

function serverOf(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'the configured server';
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout/i.test(error.message);
}

export function openPostgres(connectionString: string, options: PostgresOptions = {}): Database {
  const timeout = options.connectionTimeoutMillis ?? CONNECT_TIMEOUT_MS;
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: timeout });
  // A client losing its connection (a server restart, a terminated backend) emits 'error'; unheard, that
  // crashes the process. The pool hears it for idle clients only, so each client gets its own listener: the
  // statement in flight fails on its own, and a client released with that error leaves the pool.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const server = serverOf(connectionString);

  // Only getting a connection is retried (a few times within ~2 s): a statement that failed may have run.
  const connect = () =>
    pRetry(() => pool.connect(), {
      retries: options.connectRetries ?? 4,
      minTimeout: 100,
      maxTimeout: 800,
      shouldRetry: ({ error }) => RETRYABLE_CODES.has(errorCode(error) ?? ''),
    }).catch((error: unknown) => {
      const reason = isTimeout(error)
        ? `no answer within ${timeout / 1000} s`
        : error instanceof Error
          ? error.message
          : String(error);
      throw new DatabaseUnavailableError(server, reason, { cause: error });
    });

  const query = async <R extends Row>(text: string, params?: readonly unknown[]) => {
    const client = await connect();
    try {
      const result = await client.query<R>(text, params as unknown[] | undefined);
      client.release();
      return { rows: result.rows };
    } catch (error) {
      // As pool.query does: a client that failed is discarded, in case its connection is what broke.
      client.release(error as Error);
      throw error;
    }
  };

  return {
    engine: 'postgres',
    query,
    async exec(sql) {
      await query(sql);
    },
    async session(fn) {
      const client = await connect();
      try {
        return await fn(clientQueryable(client));
      } finally {
        // Session settings (SET maintenance_work_mem …) must not leak to the pool's next user.
        await client.query('RESET ALL').catch(() => {});
        client.release();
      }
    },
    async transaction(fn) {
      const client = await connect();
      try {
        await client.query('BEGIN');
        const tx = clientQueryable(client);
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // The transaction's own error is the one to report, not a ROLLBACK on a connection it broke.
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async copyFrom(table, columns, rows) {
      const client = await connect();
      const stream = client.query(
        copyFromStdin(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`),
      );
      const done = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
      });
      try {
        // One socket write per row costs more than the COPY itself: send ~64 KB chunks instead.
        let count = 0;
        let chunk = '';
        for await (const row of rows) {
          count++;
          chunk += toCopyCsvLine(row);
          if (chunk.length >= COPY_CHUNK_CHARS) {
            if (!stream.write(chunk)) await once(stream, 'drain');
            chunk = '';
          }
        }
        if (chunk.length > 0) stream.write(chunk);
        stream.end();
        await done;
        client.release();
        return count;
      } catch (error) {
        // A connection left mid-COPY holds its table lock; destroy it rather than return it to the pool.
        done.catch(() => {});
        stream.destroy(error as Error);
        client.release(error as Error);
        throw error;
      }
    },
    async close() {
      await pool.end();
    },
  };
}

function clientQueryable(client: pg.PoolClient): Queryable {
  return {
    query: async <R extends Row>(text: string, params?: readonly unknown[]) => ({
      rows: (await client.query<R>(text, params as unknown[] | undefined)).rows,
    }),
  };
}

export type { CopyValue };
