/**
 * A process that cannot do its job exits non-zero within seconds, with one line saying why, so compose and
 * Render restart it — and a secret in its configuration never reaches its output.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './fakes/discord-server.ts';
import { createPostgresDatabase, type TestDatabase } from './support/databases.ts';
import { freePort, runSonicMood } from './support/processes.ts';
import { REDIS_URL } from './support/redis.ts';
import { type RestartableServer, startRedisServer } from './support/servers.ts';

const PASSWORD = 'p4ss-never-printed-9731';

let t: TestDatabase;
let lru: RestartableServer;
let locked: RestartableServer;
let discord: FakeDiscord;
let squatter: Server;
let takenPort: number;

beforeAll(async () => {
  [t, lru, locked, discord] = await Promise.all([
    createPostgresDatabase(),
    startRedisServer({ evictionPolicy: 'allkeys-lru' }),
    startRedisServer({ password: PASSWORD }),
    startFakeDiscord({ botToken: 'the-real-token', applicationId: '100000000000000001' }),
  ]);
  takenPort = await freePort();
  squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(takenPort, resolve));
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => squatter?.close(resolve));
  await Promise.all([t?.drop(), lru?.destroy(), locked?.destroy(), discord?.close()]);
});

/**
 * Beside its structured (JSON) log lines, the process prints one line that says why, and exits non-zero.
 * No stack trace.
 */
function expectOneLineExit(result: { code: number | null; stderr: string; ms: number }, why: RegExp) {
  expect(result.code).toBe(1);
  expect(result.ms).toBeLessThan(30_000);
  const lines = result.stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('{'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(why);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('fatal start-up errors end the process', () => {
  it('a worker whose health port is taken exits instead of consuming jobs unwatched', async () => {
    const result = await runSonicMood(
      ['worker'],
      { DATABASE_URL: t.url, REDIS_URL, HEALTH_PORT: String(takenPort), QUEUE_PREFIX: 'sm-fatal-health' },
      60_000,
    );
    expectOneLineExit(result, new RegExp(`HEALTH_PORT ${takenPort} is already in use`));
  }, 90_000);

  it('a worker on a Redis that evicts keys refuses it and exits', async () => {
    const result = await runSonicMood(
      ['worker'],
      { DATABASE_URL: t.url, REDIS_URL: lru.url, HEALTH_PORT: '0' },
      60_000,
    );
    expectOneLineExit(result, /maxmemory-policy is "allkeys-lru"/);
  }, 90_000);

  it('a worker whose Redis password is refused exits, and the password is in none of its output', async () => {
    const wrong = `redis://:${PASSWORD}-typo@${new URL(locked.url).host}`;
    const result = await runSonicMood(
      ['worker'],
      { DATABASE_URL: t.url, REDIS_URL: wrong, HEALTH_PORT: '0' },
      60_000,
    );
    expectOneLineExit(result, /Redis refused the connection: WRONGPASS/);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  }, 90_000);

  it('a Discord bot whose login is refused exits instead of staying offline', async () => {
    const result = await runSonicMood(
      ['discord'],
      {
        REDIS_URL,
        HEALTH_PORT: '0',
        DISCORD_TOKEN: 'a-token-discord-refuses',
        DISCORD_APPLICATION_ID: '100000000000000001',
        DISCORD_API_URL: discord.restUrl,
      },
      60_000,
    );
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(30_000);
    expect(result.stdout + result.stderr).not.toContain('a-token-discord-refuses');
  }, 90_000);
});
