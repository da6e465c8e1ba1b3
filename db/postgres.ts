/** The native engine: a node-postgres pool, bulk loads through COPY FROM STDIN. */
import { once } from 'node:events';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { type CopyValue, type Database, type Queryable, type Row, toCopyCsvLine } from './database.ts';

const COPY_CHUNK_CHARS = 64 * 1024;

// bigint (int8) arrives as text by default; ids stay strings (SongId), counts are parsed where read.
export interface PostgresOptions {
  readonly max?: number;
  /** How long a new connection may take; unset waits as long as the OS does (replicas.ts sets it). */
  readonly connectionTimeoutMillis?: number;
}

export function openPostgres(connectionString: string, options: PostgresOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    ...(options.connectionTimeoutMillis ? { connectionTimeoutMillis: options.connectionTimeoutMillis } : {}),
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});

  const query = async <R extends Row>(text: string, params?: readonly unknown[]) => {
    const result = await pool.query<R>(text, params as unknown[] | undefined);
    return { rows: result.rows };
  };

  return {
    engine: 'postgres',
    query,
    async exec(sql) {
      await pool.query(sql);
    },
    async session(fn) {
      const client = await pool.connect();
      try {
        return await fn(clientQueryable(client));
      } finally {
        // Session settings (SET maintenance_work_mem …) must not leak to the pool's next user.
        await client.query('RESET ALL').catch(() => {});
        client.release();
      }
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx = clientQueryable(client);
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async copyFrom(table, columns, rows) {
      const client = await pool.connect();
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
