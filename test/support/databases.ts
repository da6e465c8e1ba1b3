/**
 * Both engines for tests: embedded PGlite (in memory) and native PostgreSQL + pgvector in a fresh database
 * per test file, dropped afterwards. `TEST_PG_ADMIN_URL` points at a server where we may create databases.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { openPGlite } from '../../db/pglite.ts';
import { openPostgres } from '../../db/postgres.ts';

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly db: Database;
  /** A connection string for this database (native engine only), for child processes. */
  readonly url: string | undefined;
  drop(): Promise<void>;
}

export async function createPostgresDatabase(adminUrl = PG_ADMIN_URL): Promise<TestDatabase> {
  const name = `sonic_mood_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), { max: 4 });
  await migrate(db);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

export async function createPGliteDatabase(): Promise<TestDatabase> {
  const db = await openPGlite(undefined);
  await migrate(db);
  return { db, url: undefined, drop: () => db.close() };
}

export const ENGINES = [
  { engine: 'pglite', create: createPGliteDatabase },
  { engine: 'postgres', create: createPostgresDatabase },
] as const;

export async function truncateAll(db: Database): Promise<void> {
  await db.exec('TRUNCATE songs, song_embeddings, spotify_links, embedding_models RESTART IDENTITY CASCADE');
}
