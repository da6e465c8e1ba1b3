/**
 * Reaching PostgreSQL: a server that accepts TCP and never answers fails a command in seconds with one line
 * naming the server, and "too many clients" is waited out briefly instead of failing the command.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, openPostgres } from '../db/postgres.ts';
import { PG_ADMIN_URL } from './support/databases.ts';

const run = promisify(execFile);

let silent: Server;
let silentPort: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  // Accepts connections and never says a word, like a firewall that swallows packets after the handshake.
  silent = createServer((socket) => {
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

describe('a PostgreSQL that does not answer', () => {
  it('fails a query after the connect timeout with an error naming the server', async () => {
    const db = openPostgres(`postgres://postgres@127.0.0.1:${silentPort}/catalog`, {
      connectionTimeoutMillis: 500,
    });
    const started = performance.now();
    const error = await db.query('SELECT 1').catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(String((error as Error).message)).toBe(
      `PostgreSQL at 127.0.0.1:${silentPort}/catalog: no answer within 0.5 s`,
    );
    await db.close();
  });

  it('makes `sonic-mood mood` exit non-zero within seconds, with one line and no stack', async () => {
    const started = performance.now();
    const result = await run('node', ['bin/sonic-mood.js', 'mood', 'happy'], {
      env: {
        ...process.env,
        DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${silentPort}/catalog`,
        LOG_LEVEL: 'warn',
      },
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).not.toBe(0);
    expect(performance.now() - started).toBeLessThan(30_000);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`PostgreSQL at 127.0.0.1:${silentPort}/catalog: no answer within 10 s`);
    expect(result.stderr).not.toContain('secret');
  }, 60_000);
});

describe('a PostgreSQL with no connection to spare', () => {
  const role = `sonic_mood_limited_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });

  beforeAll(async () => {
    await admin.connect();
    // Two connections for this role: the third at once gets 53300 ("too many connections for role").
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 2`);
  });

  afterAll(async () => {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('retries a refused connection briefly, so a burst of commands all succeed', async () => {
    const url = new URL(PG_ADMIN_URL);
    url.username = role;
    // Ten commands at once, as ten `sonic-mood` processes would: each connects, queries and exits.
    const command = async () => {
      const db = openPostgres(url.toString(), { max: 1 });
      try {
        return await db.query('SELECT pg_sleep(0.1)');
      } finally {
        await db.close();
      }
    };
    const results = await Promise.allSettled(Array.from({ length: 10 }, command));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  });
});

describe('a PostgreSQL that drops a connection in use (a restart, an operator terminating backends)', () => {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  beforeAll(() => admin.connect());
  afterAll(() => admin.end());

  it('fails only the work on that connection, and the process and the pool go on', async () => {
    const db = openPostgres(PG_ADMIN_URL, { max: 2 });
    try {
      // A checked-out connection killed between two statements: node-postgres emits 'error' on the client,
      // which crashes the process unless something listens (the worker died this way in a PostgreSQL restart).
      const outcome = db.session(async (q) => {
        const { rows } = await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return q.query('SELECT 1');
      });
      await expect(outcome).rejects.toThrow(/terminat|not queryable/i);
      // The dead connection left the pool: the next statements get fresh ones.
      for (let i = 0; i < 3; i++) {
        expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      }
    } finally {
      await db.close();
    }
  });
});
