/**
 * Re-indexing on native PostgreSQL + pgvector: a new model is embedded and indexed beside the live one,
 * /mood keeps answering from the old model until the switch, cancel leaves the live index alone, and
 * progress is reported through BullMQ.
 */
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../cli/catalog-setup.ts';
import { loadConfig } from '../core/config.ts';
import { MoodError, MoodErrorCode } from '../core/errors.ts';
import { LocalWriter } from '../core/local/writer.ts';
import { createOpenAIClient } from '../core/openai/client.ts';
import { OpenAIEmbedder } from '../core/openai/embedder.ts';
import type { Embedder } from '../core/ports.ts';
import { createRecommender, type Recommender } from '../core/recommend.ts';
import { SpotifyLinkResolver } from '../core/spotify/resolver.ts';
import { activate, activeModel, modelByName } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createLinkCache } from '../db/link-cache.ts';
import { createSongIndex } from '../db/song-index.ts';
import { buildIndex, buildMemory, chooseIndex, indexPrefix, ivfflatBuildBytes } from '../db/vector-index.ts';
import { QUEUES } from '../workers/jobs.ts';
import { createReindexQueue, type ReindexQueue, type ReindexRequest } from '../workers/reindex-queue.ts';
import { describeReindexStatus } from '../workers/reindex-status.ts';
import { createReindexWorker } from '../workers/reindex-worker.ts';
import { type FakeOpenAI, startFakeOpenAI } from './fakes/openai-server.ts';
import { createPostgresDatabase, type TestDatabase } from './support/databases.ts';
import { localEmbedder } from './support/models.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';

let t: TestDatabase;
let openai: FakeOpenAI;
let local: Awaited<ReturnType<typeof localEmbedder>>;
let remote: OpenAIEmbedder;
let recommender: Recommender;
let songs = 0;
const prefix = testPrefix();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
let queue: ReindexQueue;

const request: ReindexRequest = {
  model: { name: 'fake-embed', dimensions: 64 },
  full: false,
  requestedBy: { platform: 'cli', userId: 'test' },
};

beforeAll(async () => {
  [t, openai, local] = await Promise.all([createPostgresDatabase(), startFakeOpenAI(), localEmbedder()]);
  songs = (await ingestCatalog(t.db, DEMO_CATALOG)).songsUpserted;
  const { modelId } = await backfillEmbeddings(t.db, local);
  await activate(t.db, modelId);
  const config = loadConfig({
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: 'sk-test',
    MODEL_MAX_RETRIES: '0',
  });
  remote = new OpenAIEmbedder({
    client: createOpenAIClient(config.models),
    model: 'fake-embed',
    dimensions: 64,
    queryInstruction: '',
  });
  recommender = createRecommender({
    embedder: local,
    embedderFor: (model) => (model === remote.model ? remote : model === local.model ? local : undefined),
    writer: new LocalWriter(local),
    index: createSongIndex(t.db),
    links: new SpotifyLinkResolver({ config: config.spotify, cache: createLinkCache(t.db) }),
    options: { ...config.recommend, hydeEnabled: false },
  });
  queue = createReindexQueue(redis, { prefix, models: config.models });
}, 120_000);

afterAll(async () => {
  await queue?.close();
  redis.disconnect();
  await Promise.all([t?.drop(), openai?.close(), dropPrefix(prefix)]);
});

function worker() {
  return createReindexWorker({
    operators: new Set(['cli:test']),
    connection: redis,
    db: t.db,
    embedder: local,
    embedderFor: (model) => (model === remote.model ? remote : undefined),
    log: pino({ level: 'silent' }),
    prefix,
    batchSize: 64,
    lockMs: 5_000,
  });
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('re-index to a new embedding model', () => {
  it('a re-index job pushed into Redis by someone who is not an operator is dropped, not run', async () => {
    const w = worker();
    try {
      // As anyone with Redis access could: a well-formed job naming a user who is not in OPERATOR_IDS.
      expect(await queue.start({ ...request, requestedBy: { platform: 'discord', userId: '999999' } })).toBe(
        'enqueued',
      );
      const status = await until(async () => {
        const s = await queue.status();
        return s.state === 'idle' && s.last ? s : undefined;
      });
      expect(status.last?.failure).toBe('NotOperator');
      expect(describeReindexStatus(status)).toBe(
        'Last re-index failed: it was requested by someone who is not an operator (OPERATOR_IDS). The live index is unchanged.',
      );
      expect((await activeModel(t.db))?.name).toBe(local.model);
      expect((await modelByName(t.db, remote.model))?.indexState ?? 'none').toBe('none');
    } finally {
      await w.close();
    }
  });

  it("a failed run's status says what went wrong in words of our own, never the error's text", async () => {
    const secret = '401 Incorrect API key provided: sk-live-0123456789abcdef';
    const broken: Embedder = {
      model: 'openai:broken-embed@64',
      dimensions: 64,
      embed: async () => {
        throw new MoodError(MoodErrorCode.ModelRejected, secret);
      },
    };
    const w = createReindexWorker({
      operators: new Set(['cli:test']),
      connection: redis,
      db: t.db,
      embedder: local,
      embedderFor: (model) => (model === broken.model ? broken : undefined),
      log: pino({ level: 'silent' }),
      prefix,
      batchSize: 64,
      lockMs: 5_000,
    });
    try {
      expect(await queue.start({ ...request, model: { name: 'broken-embed', dimensions: 64 } })).toBe(
        'enqueued',
      );
      const status = await until(async () => {
        const s = await queue.status();
        return s.state === 'idle' && s.last?.failure ? s : undefined;
      });
      expect(status.last?.failure).toBe('ModelRejected');
      const shown = describeReindexStatus(status);
      expect(shown).toBe(
        'Last re-index failed: the model API refused the credentials or the model name. The live index is unchanged.',
      );
      expect(shown).not.toContain('sk-live');
      expect((await activeModel(t.db))?.name).toBe(local.model);
    } finally {
      await w.close();
    }
  });

  it('cancelling stops the run and leaves the live model and its answers untouched', async () => {
    openai.setLatency(150);
    const w = worker();
    try {
      expect(await queue.start(request)).toBe('enqueued');
      expect(await queue.start(request)).toBe('busy');
      await until(async () => ((await queue.status()).progress?.done ?? 0) > 0 || undefined);
      expect(await queue.cancel()).toBe(true);
      const status = await until(async () => {
        const s = await queue.status();
        return s.state === 'idle' && s.last ? s : undefined;
      });
      expect(status.last?.result?.status).toBe('cancelled');
      expect((await activeModel(t.db))?.name).toBe(local.model);
      expect((await modelByName(t.db, remote.model))?.indexState).toBe('none');
      const playlist = await recommender.recommend({ text: 'sad songs', size: 5 });
      expect(playlist.providers.embedder).toBe(local.model);
    } finally {
      await w.close();
    }
  });

  it('keeps /mood on the old model while embedding, resumes the cancelled work, then switches atomically', async () => {
    openai.setLatency(100);
    const progress: { phase: string; done: number }[] = [];
    const events = new QueueEvents(QUEUES.reindex, {
      connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
      prefix,
    });
    events.on('progress', ({ data }) => progress.push(data as { phase: string; done: number }));
    await events.waitUntilReady();
    const before = openai.embeddingRequests().length;
    const w = worker();
    try {
      expect(await queue.start(request)).toBe('enqueued');
      const during: string[] = [];
      const status = await until(async () => {
        during.push((await recommender.recommend({ text: 'happy dance party', size: 5 })).providers.embedder);
        const s = await queue.status();
        return s.state === 'idle' && s.last ? s : undefined;
      }, 120_000);
      expect(status.last?.result).toMatchObject({ status: 'switched', model: remote.model, index: 'exact' });
      expect(during.length).toBeGreaterThan(1);
      expect(during.slice(0, -1).every((m) => m === local.model)).toBe(true);
      // After the switch, queries are embedded with the new model.
      expect((await recommender.recommend({ text: 'happy dance party', size: 5 })).providers.embedder).toBe(
        remote.model,
      );
      expect((await activeModel(t.db))?.name).toBe(remote.model);
      // Every song embedded once for the new model; the cancelled run's pages were not redone.
      const [row] = (
        await t.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM song_embeddings e JOIN embedding_models m ON m.id = e.model_id WHERE m.name = $1',
          [remote.model],
        )
      ).rows;
      expect(row?.n).toBe(songs);
      const inputs = openai
        .embeddingRequests()
        .slice(before)
        .flatMap((r) => (Array.isArray(r.input) ? r.input : [r.input]));
      expect(inputs.length).toBeLessThan(songs);
      expect(progress.some((p) => p.phase === 'embedding' && p.done > 0)).toBe(true);
      expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['indexing', 'switching', 'done']));
    } finally {
      await w.close();
      await events.close();
      openai.setLatency(0);
    }
  }, 180_000);
});

describe('vector index choice and build', () => {
  it('searches small catalogs exactly, then IVFFlat: rows/1000 lists up to a million rows, √rows above', () => {
    const d = { dimensions: 256 };
    expect(chooseIndex(5_000, 'postgres', d)).toEqual({ kind: 'exact' });
    // bench:search: with a pool of 200 candidates IVFFlat matched HNSW from 20K rows and beat it at 250K and 1M.
    expect(chooseIndex(100_000, 'postgres', d)).toEqual({ kind: 'ivfflat', lists: 100, probes: 10 });
    expect(chooseIndex(1_000_000, 'postgres', d)).toEqual({ kind: 'ivfflat', lists: 1000, probes: 10 });
    expect(chooseIndex(12_400_000, 'postgres', { ...d, buildMemoryBytes: 4 * 1024 ** 3 })).toMatchObject({
      kind: 'ivfflat',
      lists: 3521,
      // bench:catalog at 12.4M: recall 0.990 at probes 8, 0.995 at 12 and no higher at 30.
      probes: 15,
    });
    expect(chooseIndex(12_400_000, 'pglite', d).kind).toBe('hnsw');
  });

  it('fits the IVFFlat lists to the build memory the server can give', () => {
    // pgvector asked 2,515 MB for 3,526 lists over 12.4M × 256 halfvec; the estimate must not be below it.
    expect(ivfflatBuildBytes(3526, 256)).toBeGreaterThanOrEqual(2515 * 1024 ** 2);
    expect(ivfflatBuildBytes(1000, 256)).toBeGreaterThanOrEqual(248 * 1024 ** 2);
    const plan = chooseIndex(12_400_000, 'postgres', { dimensions: 256, buildMemoryBytes: 1024 ** 3 });
    if (plan.kind !== 'ivfflat') throw new Error(`expected IVFFlat, got ${plan.kind}`);
    expect(ivfflatBuildBytes(plan.lists, 256)).toBeLessThanOrEqual(1024 ** 3);
    expect(plan.lists).toBeGreaterThan(2000);
    expect(buildMemory(plan, 256)).toMatch(/^\d+MB$/);
    expect(Number.parseInt(buildMemory(plan, 256), 10)).toBeLessThanOrEqual(1.1 * 1024);
  });

  it('builds a partial HNSW index for one model that the search plan uses', async () => {
    const model = await activeModel(t.db);
    if (!model) throw new Error('no live model');
    await buildIndex(t.db, model, { kind: 'hnsw', m: 16, efConstruction: 64, efSearch: 40 });
    const d = model.dimensions;
    const plan = await t.db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT song_id FROM song_embeddings WHERE model_id = ${model.id}
         ORDER BY embedding::halfvec(${d}) <=> (SELECT embedding FROM song_embeddings LIMIT 1)::halfvec(${d}) LIMIT 10`,
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain(indexPrefix(model.id));
  });
});
