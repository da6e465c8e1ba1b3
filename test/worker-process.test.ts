/**
 * The worker as users run it: `node bin/sonic-mood.js worker` (the container's entrypoint), against local
 * PostgreSQL, Redis, a fake Discord and a slowed-down fake Spotify. Killed mid-job, the job completes on a
 * fresh worker with exactly one reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from './fakes/openai-server.ts';
import { type FakeSpotify, startFakeSpotify } from './fakes/spotify-server.ts';
import { type DiscordStack, startDiscordStack } from './support/discord-stack.ts';
import { freePort, type RunningProcess, startSonicMood } from './support/processes.ts';

let stack: DiscordStack;
let spotify: FakeSpotify;
let openai: FakeOpenAI;
const children: RunningProcess[] = [];

async function startWorkerProcess(healthPort: number): Promise<RunningProcess> {
  const worker = await startSonicMood(
    ['worker'],
    {
      ...stack.env,
      SPOTIFY_CLIENT_ID: 'id',
      SPOTIFY_CLIENT_SECRET: 'secret',
      SPOTIFY_API_URL: spotify.apiUrl,
      SPOTIFY_ACCOUNTS_URL: spotify.accountsUrl,
      SPOTIFY_CONCURRENCY: '1',
      SPOTIFY_TIMEOUT_MS: '10000',
      WORKER_LOCK_MS: '2000',
      HEALTH_PORT: String(healthPort),
      // The re-index jobs below are enqueued as a script would, by `cli:test`.
      OPERATOR_IDS: 'cli:test',
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'sk-test-key',
      LOG_LEVEL: 'info',
    },
    'worker ready',
  );
  children.push(worker);
  return worker;
}

beforeAll(async () => {
  [stack, spotify, openai] = await Promise.all([
    startDiscordStack(),
    startFakeSpotify({ clientId: 'id', clientSecret: 'secret', searchDelayMs: 400 }),
    startFakeOpenAI({ latencyMs: 250 }),
  ]);
}, 180_000);

afterAll(async () => {
  for (const worker of children) if (worker.alive()) worker.child.kill('SIGKILL');
  await Promise.all([stack?.close(), spotify?.close(), openai?.close()]);
});

describe('sonic-mood worker (process)', () => {
  it('serves /healthz and /metrics, and finishes a job on a new worker after being killed mid-job', async () => {
    const port = await freePort();
    const first = await startWorkerProcess(port);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, checks: { redis: 'ok', database: 'ok' } });

    const interaction = stack.fake.dispatchInteraction(
      stack.fake.chatInput({
        name: 'mood',
        options: [
          { name: 'mood', type: 3, value: 'rainy sunday, nostalgic but hopeful' },
          { name: 'size', type: 4, value: 8 },
        ],
      }),
    );
    // The job is in the middle of its Spotify lookups (8 songs × 400 ms, one at a time): kill it there.
    await stack.fake.waitFor(() => spotify.stats.searchCalls >= 2 || undefined, 30_000);
    first.child.kill('SIGKILL');
    await first.exited();
    expect(stack.fake.edits.filter((e) => e.token === interaction.token)).toEqual([]);

    const secondPort = await freePort();
    const second = await startWorkerProcess(secondPort);
    await stack.fake.waitFor(() => stack.fake.edits.find((e) => e.token === interaction.token), 60_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const edits = stack.fake.edits.filter((e) => e.token === interaction.token);
    expect(edits).toHaveLength(1);
    const description = String(stack.fake.originalMessage(interaction.token)?.embeds?.[0]?.description);
    expect(description.match(/^\*\*\d+\.\*\* \[/gm)).toHaveLength(8);

    const metrics = await (await fetch(`http://127.0.0.1:${secondPort}/metrics`)).text();
    expect(metrics).toContain('sonic_mood_jobs_total{queue="mood",status="delivered"} 1');
    expect(metrics).toMatch(/sonic_mood_stage_seconds_count\{stage="links"\} 1/);
    expect(metrics).toMatch(/sonic_mood_queue_depth\{queue="mood"\} 0/);
    expect(metrics).toMatch(/sonic_mood_link_cache_total\{result="(hit|miss)"\}/);

    // SIGTERM: the worker closes cleanly and exits 0.
    second.child.kill('SIGTERM');
    const code = await second.exited();
    expect(code).toBe(0);
  }, 150_000);

  it('a re-index killed mid-embedding resumes on a new worker: every song embedded once, at most the page in flight redone', async () => {
    const first = await startWorkerProcess(await freePort());
    const before = openai.embeddingRequests().length;
    expect(
      await stack.reindex.start({
        model: { name: 'fake-embed', dimensions: 64 },
        full: false,
        requestedBy: { platform: 'cli', userId: 'test' },
      }),
    ).toBe('enqueued');
    await stack.fake.waitFor(() => openai.embeddingRequests().length - before >= 3 || undefined, 60_000);
    first.child.kill('SIGKILL');
    await first.exited();
    const atKill = openai.embeddingRequests().length - before;

    await startWorkerProcess(await freePort());
    const status = await waitUntil(async () => {
      const s = await stack.reindex.status();
      return s.state === 'idle' && s.last ? s : undefined;
    }, 120_000);
    expect(status.last?.result).toMatchObject({ status: 'switched', model: 'openai:fake-embed@64' });

    // Every song has a vector for the model (one at most is what the primary key guarantees, not the resume).
    const { rows } = await stack.app.db.query<{ songs: number; embedded: number }>(
      `SELECT (SELECT count(*)::int FROM songs) AS songs, count(*)::int AS embedded
       FROM song_embeddings e JOIN embedding_models m ON m.id = e.model_id WHERE m.name = 'openai:fake-embed@64'`,
    );
    const counts = rows[0];
    expect(counts?.embedded).toBe(counts?.songs);
    // "Once": pages are written before the next is read, so the restart redoes at most the one page in flight.
    const inputs = openai
      .embeddingRequests()
      .slice(before)
      .flatMap((r) => (Array.isArray(r.input) ? r.input : [r.input]));
    expect(atKill).toBeGreaterThanOrEqual(3);
    expect(inputs.length).toBeLessThanOrEqual((counts?.songs ?? 0) + 256);
  }, 240_000);
});

async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
