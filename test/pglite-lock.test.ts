/**
 * One PGlite data folder, one process (issue item 7): a second `sonic-mood` process waits briefly, then
 * says which PID holds the folder, in one line, and exits 1 — never `Aborted()`, `[object Object]` or a hang.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { openPGlite } from '../db/pglite.ts';
import { WORD_VECTOR_CACHE } from './support/models.ts';
import { type Finished, runSonicMood } from './support/processes.ts';

let home: string;
let dataDir: string;
let catalog: string;
let env: Record<string, string>;

const CRASHES = /Aborted\(\)|\[object Object\]|failed to initialize|File exists|\n\s+at /;

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'sonic-mood-lock-'));
  dataDir = path.join(home, 'pglite');
  // The word-vector cache the other tests built, so `mood` starts in seconds.
  await symlink(WORD_VECTOR_CACHE, path.join(home, 'cache')).catch(() => {});
  catalog = path.join(home, 'catalog.csv');
  await writeFile(
    catalog,
    [
      'name,artist,year,genre,tags,popularity',
      'Rainy Day,Band,2001,rock,sad;rainy,10',
      'Sunny,Other,1999,pop,happy,20',
    ].join('\n'),
  );
  env = { DATABASE_URL: '', SONIC_MOOD_DATA_DIR: home, SPOTIFY_CLIENT_ID: '' };
});

afterAll(() => rm(home, { recursive: true, force: true }));

describe('the PGlite data folder lock', () => {
  it('a second process waits, then names the PID that holds the folder and exits 1', async () => {
    const holder = await openPGlite(dataDir);
    let results: Finished[];
    try {
      results = await Promise.all([
        runSonicMood(['migrate'], env),
        runSonicMood(['ingest', 'catalog', catalog], env),
        runSonicMood(['mood', 'rainy', 'sunday'], env),
      ]);
    } finally {
      await holder.close();
    }
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^sonic-mood: the embedded database ${dataDir} is in use by PID ${process.pid} \\(.*\\); wait for it to finish or stop it\\n$`,
        ),
      );
      expect(r.ms).toBeGreaterThan(4_000); // it waited for the holder first
      expect(r.ms).toBeLessThan(60_000);
    }
    // Released on close: the next process gets in.
    const after = await runSonicMood(['ingest', 'catalog', catalog], env);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/rows read: 2/);
  }, 180_000);

  it('processes started together run one after another or fail cleanly, never corrupt each other', async () => {
    const results = await Promise.all([
      runSonicMood(['ingest', 'catalog', catalog], env),
      runSonicMood(['mood', 'rainy', 'sunday', '-n', '5'], env),
      runSonicMood(['mood', 'sunny', 'road', 'trip', '-n', '5'], env),
    ]);
    for (const r of results) {
      expect(`${r.stdout}${r.stderr}`).not.toMatch(CRASHES);
      if (r.code !== 0) {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^sonic-mood: the embedded database .* is in use by PID \d+ /);
      }
    }
    expect(results.some((r) => r.code === 0)).toBe(true);
  }, 180_000);

  it('takes over a lock whose process is gone, and refuses one from another host', async () => {
    const dead = spawn('node', ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    const lockPath = `${dataDir}.lock`;
    const lock = (pid: number | undefined, host: string) =>
      writeFile(
        lockPath,
        JSON.stringify({ pid, host, command: 'sonic-mood mood x', since: '2026-01-01T00:00:00Z' }),
      );

    await lock(dead.pid, hostname());
    const db = await openPGlite(dataDir, { lockWaitMs: 200 });
    await db.close();

    await lock(12345, 'some-other-host');
    await expect(openPGlite(dataDir, { lockWaitMs: 200 })).rejects.toThrow(
      `the embedded database ${dataDir} is in use by PID 12345 on host some-other-host (sonic-mood mood x, since 2026-01-01T00:00:00Z); wait for it to finish or stop it, then delete ${lockPath} if it is gone`,
    );
    await unlink(lockPath);
    // Nothing is left beside the folder but the folder itself.
    expect((await readdir(home)).filter((f) => f.startsWith('pglite'))).toEqual(['pglite']);
  });

  it('a second open in the same process fails at once instead of waiting for itself', async () => {
    const dir = path.join(home, 'same-process');
    await mkdir(dir);
    const db = await openPGlite(dir);
    try {
      const started = Date.now();
      await expect(openPGlite(dir, { lockWaitMs: 10_000 })).rejects.toBeInstanceOf(DataDirInUseError);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await db.close();
    }
  });
});
