/**
 * Read replicas on real streaming replication: a private primary cluster and a replica made from it with
 * `pg_basebackup -R` (test/support/replica.ts). /mood runs through the product's composition (`openApp`, as
 * the worker and `sonic-mood mood` run it) with DATABASE_REPLICA_URLS set. Which server ran each search is
 * counted by pg_stat_statements on each: searches are answered by the replica; a stopped replica is skipped
 * and the primary answers; a re-index on the primary is answered by the primary while the replica has not
 * replayed the switch (replay paused), and by the replica, with the new model, once it has.
 */
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../cli/app.ts';
import { ensureCatalogReady } from '../cli/catalog-setup.ts';
import { loadConfig } from '../core/config.ts';
import type { Embedder } from '../core/ports.ts';
import { activeModel } from '../db/embedding-models.ts';
import { reindex } from '../db/reindex.ts';
import { readersOf } from '../db/replicas.ts';
import { type FakeOpenAI, startFakeOpenAI } from './fakes/openai-server.ts';
import { createPostgresDatabase, type TestDatabase } from './support/databases.ts';
import { SAMPLE_MOODS } from './support/moods.ts';
import { type ReplicaServer, startReplicaServer } from './support/replica.ts';
import { type RestartableServer, startPostgresServer } from './support/servers.ts';

const log = pino({ level: 'silent' });
const SIZE = 8;

let primary: RestartableServer;
let replica: ReplicaServer;
let openai: FakeOpenAI;
let database: TestDatabase;
let replicaUrl: string;
let app: App;

beforeAll(async () => {
  [primary, openai] = await Promise.all([startPostgresServer(), startFakeOpenAI()]);
  // Preloaded before the base backup, so the replica (which copies postgresql.auto.conf) counts queries too.
  await onServer(primary.url, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
  await primary.stop();
  await primary.start();
  database = await createPostgresDatabase(primary.url);
  await database.db.exec('CREATE EXTENSION pg_stat_statements');
  replica = await startReplicaServer(primary.url);
  replicaUrl = replica.urlOf(String(database.url));

  const config = loadConfig({
    DATABASE_URL: String(database.url),
    DATABASE_REPLICA_URLS: replicaUrl,
    SONIC_MOOD_DATA_DIR: '.sonic-mood',
    // The re-index's model: an OpenAI-compatible one, served by the fake.
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: 'sk-replica-test',
    MODEL_MAX_RETRIES: '0',
  });
  app = await openApp(config, log);
  // What `sonic-mood mood` and a fresh worker do: the demo catalog, embedded and made live, on the primary.
  await ensureCatalogReady(app.db, app.providers.embedder, log);
  await until(
    async () => (await replicaLiveModel()) === app.providers.embedder.model,
    'replica replays the catalog',
  );
}, 180_000);

afterAll(async () => {
  try {
    await app?.close();
    await Promise.allSettled([primary?.start(), replica?.start()]);
    await database?.drop();
  } finally {
    await Promise.allSettled([replica?.destroy(), openai?.close()]);
    await primary?.destroy();
  }
}, 120_000);

async function onServer<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Searches this server has run on the test database. (Not per dimension: pg_stat_statements keeps one entry
 * for the search of every model, with the text it first saw.)
 */
async function searchesOn(url: string): Promise<number> {
  const [row] = await onServer<{ n: number }>(
    url,
    `SELECT coalesce(sum(s.calls), 0)::int AS n FROM pg_stat_statements s
     JOIN pg_database d ON d.oid = s.dbid
     WHERE d.datname = current_database() AND s.query LIKE $1`,
    ['%ORDER BY e.embedding::halfvec(%'],
  );
  return row?.n ?? 0;
}

async function replicaLiveModel(): Promise<string | undefined> {
  const [row] = await onServer<{ name: string }>(
    replicaUrl,
    'SELECT name FROM embedding_models WHERE is_active',
  );
  return row?.name;
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let moodIndex = 0;
async function mood(): Promise<void> {
  const text = SAMPLE_MOODS[moodIndex++ % SAMPLE_MOODS.length] ?? 'rainy sunday';
  const playlist = await app.recommender.recommend({ text, size: SIZE });
  expect(playlist.tracks).toHaveLength(SIZE);
}

/** Where the next `count` moods were searched: deltas of both servers' counters (a stopped replica's: 0). */
async function moods(count: number): Promise<{ primary: number; replica: number }> {
  const counts = () =>
    Promise.all([searchesOn(String(database.url)), replica.running() ? searchesOn(replicaUrl) : 0]);
  const before = await counts();
  for (let i = 0; i < count; i++) await mood();
  const after = await counts();
  return { primary: after[0] - before[0], replica: after[1] - before[1] };
}

/** Runs moods until one is searched on the replica (it is retried RETRY_MS after it was skipped). */
async function untilReplicaAnswers(): Promise<number> {
  const started = Date.now();
  await until(async () => (await moods(1)).replica === 1, 'a search on the replica', 30_000);
  return Date.now() - started;
}

const replicaState = () => readersOf(app.db).status()[0]?.state;

describe('read replicas', () => {
  it('answers /mood searches from the replica, not the primary', async () => {
    const where = await moods(6);
    console.log(
      `6 moods with a live replica: ${where.replica} searched on the replica, ${where.primary} on the primary`,
    );
    expect(where).toEqual({ primary: 0, replica: 6 });
    expect(readersOf(app.db).status()).toMatchObject([{ state: 'usable' }]);
  });

  it('skips a stopped replica: the primary answers every search; the replica is used again once it is back', async () => {
    await replica.stop();
    const down = await moods(4);
    console.log(`4 moods with the replica stopped: ${down.primary} searched on the primary`);
    expect(down.primary).toBe(4);
    expect(replicaState()).toBe('down');

    await replica.start();
    const ms = await untilReplicaAnswers();
    console.log(`replica restarted: searched on it again after ${ms} ms`);
    expect(replicaState()).toBe('usable');
  }, 90_000);

  it('a re-index on the primary: the primary answers while the replica is behind the switch, then the replica with the new model', async () => {
    const embedder = app.providers.embedderFor('openai:fake-embed@64', 64) as Embedder;
    expect(embedder).toBeDefined();
    await onServer(replicaUrl, 'SELECT pg_wal_replay_pause()');
    try {
      await until(
        async () =>
          (await onServer<{ s: string }>(replicaUrl, 'SELECT pg_get_wal_replay_pause_state() AS s'))[0]?.s ===
          'paused',
        'replay paused',
      );
      const outcome = await reindex(app.db, embedder, { batchSize: 64 });
      expect(outcome.status).toBe('switched');
      expect((await activeModel(app.db))?.name).toBe(embedder.model);
      expect(await replicaLiveModel()).toBe(app.providers.embedder.model);

      const behind = await moods(3);
      console.log(
        `3 moods after the switch, replica replay paused: ${behind.primary} on the primary, ${behind.replica} on the replica`,
      );
      expect(behind).toEqual({ primary: 3, replica: 0 });
      expect(replicaState()).toBe('behind');
    } finally {
      await onServer(replicaUrl, 'SELECT pg_wal_replay_resume()');
    }

    await until(async () => (await replicaLiveModel()) === embedder.model, 'replica replays the switch');
    // Queries are now embedded for the new model (64-d): a replica still on the old one would refuse them.
    const ms = await untilReplicaAnswers();
    console.log(`replay resumed: the replica serves ${embedder.model} after ${ms} ms`);
    expect(await moods(3)).toEqual({ primary: 0, replica: 3 });
  }, 120_000);
});
