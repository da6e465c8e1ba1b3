/**
 * What production runs: the compiled JavaScript of `npm run build`, with plain `node` and no TypeScript
 * loader. It must find the files it reads beside its modules (the SQL migrations, the demo catalog) and
 * answer a mood as `bin/sonic-mood.js` does.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Playlist } from '../core/types.ts';
import { PG_ADMIN_URL } from './support/databases.ts';
import { WORD_VECTOR_CACHE } from './support/models.ts';

const run = promisify(execFile);
// Inside the repository, so the compiled modules resolve their packages from its node_modules as dist/ does.
const out = path.resolve('node_modules/.cache', `sonic-mood-build-${randomBytes(4).toString('hex')}`);
const database = `sonic_mood_build_${randomBytes(4).toString('hex')}`;
let dataDir: string;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function compiled(args: string[]) {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return run(process.execPath, [path.join(out, 'cli/main.js'), ...args], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: url.toString(),
      SONIC_MOOD_DATA_DIR: dataDir,
      SPOTIFY_CLIENT_ID: '',
      LOG_LEVEL: 'warn',
    },
    timeout: 180_000,
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-build-'));
  await Promise.all([
    run(process.execPath, ['scripts/build.mjs', out], { timeout: 180_000 }),
    // The word-vector cache the image builds in; without it the first start converts the 300 MB JSON.
    cp(WORD_VECTOR_CACHE, path.join(dataDir, 'cache'), { recursive: true }),
    // An empty database: the compiled `migrate` must find the SQL files itself.
    admin(`CREATE DATABASE ${database}`),
  ]);
}, 200_000);

afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await rm(out, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

describe('the compiled build (npm run build)', () => {
  it('migrates an empty database and answers a mood with plain node', async () => {
    expect((await compiled(['migrate'])).stdout).toBe('database schema is up to date\n');
    const { stdout } = await compiled(['mood', 'rainy sunday, nostalgic', '-n', '5', '--json']);
    const playlist = JSON.parse(stdout) as Playlist;
    expect(playlist.tracks).toHaveLength(5);
    expect(playlist.title.length).toBeGreaterThan(0);
  }, 240_000);
});
