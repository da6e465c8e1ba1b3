/**
 * `sonic-mood ingest …` as an orchestrator runs it: the exit code, the summary on stdout and one line on
 * stderr for what went wrong, on both engines; and a SIGKILLed ingest, whose staging tables the next one drops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPGlite } from '../db/pglite.ts';
import { createPostgresDatabase, type TestDatabase } from './support/databases.ts';
import { type Finished, runSonicMood } from './support/processes.ts';

let dir: string;
const file = async (name: string, content: string) => {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
};
const catalog = (rows: number, bad: (i: number) => boolean = () => false) =>
  [
    'name,artist,year,genre,tags,popularity',
    ...Array.from({ length: rows }, (_, k) =>
      bad(k + 1)
        ? `Bad ${k + 1},Artist,year?,rock,happy,1`
        : `Song ${k + 1},Artist ${k % 50},2000,rock,happy,${k % 100}`,
    ),
  ].join('\n');

const noStackTrace = (r: Finished) =>
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at |node:internal|Error:/);
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

let pg: TestDatabase;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-ingest-cli-'));
  pg = await createPostgresDatabase();
});
afterAll(async () => {
  await pg?.drop();
  await rm(dir, { recursive: true, force: true });
});

const ENVS = [
  { engine: 'postgres', env: () => ({ DATABASE_URL: pg.url }) },
  { engine: 'pglite', env: () => ({ DATABASE_URL: '', SONIC_MOOD_DATA_DIR: path.join(dir, 'data') }) },
] as const;

describe.each(ENVS)('sonic-mood ingest on $engine', ({ env }) => {
  const ingest = (...args: string[]) => runSonicMood(['ingest', ...args], env());

  it('exits 0 and reports the skipped lines of a stray quote and an oversized name (issue items 1, 2)', async () => {
    const rows = catalog(1002).split('\n');
    rows[500] = '"Broken quote song,Artist 500,2000,rock,happy,0';
    rows[501] = '"Hey Jude",The Beatles,1968,rock,happy,1';
    rows[800] = `${'n'.repeat(3000)},Artist,2000,rock,happy,1`;
    const r = await ingest('catalog', await file('stray.csv', rows.join('\n')));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rows read: 1000, repeated: 0, songs upserted: \d+$/m);
    expect(r.stdout).toMatch(/catalog: 2 malformed line\(s\) skipped, for example:/);
    expect(r.stdout).toMatch(/^ {2}line 501: a quote opened on this line does not close on it/m);
    expect(r.stdout).toMatch(/^ {2}line 801: name is 3,000 characters, over the 500 limit$/m);
    noStackTrace(r);
  });

  it('exits 2 with the summary when nothing, or too little, can be loaded (issue item 4)', async () => {
    const allBad = await ingest(
      'catalog',
      await file('all-bad.csv', `name,artist,year\n${'a,b,c,d\n'.repeat(10)}`),
    );
    expect(allBad.code).toBe(2);
    expect(allBad.stdout).toMatch(/^rows read: 0, repeated: 0, songs upserted: 0$/m);
    expect(allBad.stdout).toMatch(
      /catalog: 10 malformed line\(s\) skipped, for example:\n {2}line 2: expected 3 fields, found 4/,
    );
    expect(lastLine(allBad.stderr)).toBe(
      `sonic-mood: ${path.join(dir, 'all-bad.csv')}: all 10 line(s) malformed; nothing was written`,
    );
    noStackTrace(allBad);

    const fifth = await file(
      'fifth-bad.csv',
      catalog(50, (i) => i % 5 === 0),
    );
    const refused = await ingest('catalog', fifth);
    expect(refused.code).toBe(2);
    expect(lastLine(refused.stderr)).toMatch(
      /10 of 50 lines malformed \(20%\), over the 10% limit; nothing was written$/,
    );
    const allowed = await ingest('catalog', fifth, '--max-malformed', '25');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/rows read: 40/);
    const badFlag = await ingest('catalog', fifth, '--max-malformed', 'lots');
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/a percentage from 0 to 100/);
  });

  it('ends a file it cannot read in one line and exit 1 (issue item 3)', async () => {
    const directory = await ingest('catalog', dir);
    expect(directory.code).toBe(1);
    expect(directory.stderr).toBe(`sonic-mood: ${dir} is a directory, not a file\n`);

    const header = await ingest('catalog', await file('huge-header.csv', 'z'.repeat(50 * 1024 * 1024)));
    expect(header.code).toBe(1);
    expect(header.stderr).toBe(
      `sonic-mood: ${path.join(dir, 'huge-header.csv')}: cannot read the header line: longer than 1 MiB\n`,
    );

    const array = await ingest(
      'catalog',
      await file('songs.json', '[\n{"name":"A","artist":"B"},\n{"name":"C","artist":"D"}\n]'),
    );
    expect(array.code).toBe(1);
    expect(array.stderr).toMatch(/^sonic-mood: .*songs\.json is one JSON array; .*jq -c '\.\[\]'.*\n$/);

    const kaggle = await ingest('kaggle', '--tracks', path.join(dir, 'nope.tsv'), '--interactions', dir);
    expect(kaggle.code).toBe(1);
    expect(kaggle.stderr).toBe(`sonic-mood: ${path.join(dir, 'nope.tsv')}: no such file\n`);
    for (const r of [directory, header, array, kaggle]) noStackTrace(r);
  });
});

describe('a killed ingest (issue item 5)', () => {
  const stagingTables = async () =>
    (
      await pg.db.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE tablename ~ '^ingest_[a-z]+_[0-9a-f]{8}$'`,
      )
    ).rows.map((r) => r.name);

  it('on PostgreSQL: SIGKILLed mid-COPY, its staging table is dropped by the next ingest', async () => {
    const big = await file('big.csv', catalog(400_000));
    const child: ChildProcess = spawn('node', ['bin/sonic-mood.js', 'ingest', 'catalog', big], {
      env: { ...process.env, DATABASE_URL: pg.url },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    while ((await stagingTables()).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    await exited;
    expect(await stagingTables()).toHaveLength(1);

    const next = await runSonicMood(['ingest', 'catalog', await file('small.csv', catalog(3))], {
      DATABASE_URL: pg.url,
    });
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/dropped 1 staging table\(s\) left behind by an interrupted ingest/);
    expect(await stagingTables()).toEqual([]);
  }, 120_000);

  it('on PGlite: the next process takes over the dead process lock and drops what it left', async () => {
    const home = path.join(dir, 'killed');
    const dataDir = path.join(home, 'pglite'); // where the CLI keeps it under SONIC_MOOD_DATA_DIR
    const env = { DATABASE_URL: '', SONIC_MOOD_DATA_DIR: home };
    const small = await file('small.csv', catalog(3));

    // A real SIGKILL mid-ingest: the folder and its lock are left as they were.
    const child: ChildProcess = spawn(
      'node',
      ['bin/sonic-mood.js', 'ingest', 'catalog', await file('big.csv', catalog(400_000))],
      {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (
      !(await access(`${dataDir}.lock`).then(
        () => true,
        () => false,
      )) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 3000));
    child.kill('SIGKILL');
    await exited;
    expect(
      await access(`${dataDir}.lock`).then(
        () => true,
        () => false,
      ),
    ).toBe(true);
    const after = await runSonicMood(['ingest', 'catalog', small], env);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/rows read: 3/);

    // The same, made exact: a staging table and a lock file naming a PID that no longer runs.
    const db = await openPGlite(dataDir);
    await db.exec('CREATE UNLOGGED TABLE ingest_catalog_0badc0de (line int)');
    await db.close();
    const dead = spawn('node', ['-e', '']);
    const pid = dead.pid;
    await new Promise((resolve) => dead.once('exit', resolve));
    await writeFile(
      `${dataDir}.lock`,
      JSON.stringify({ pid, host: hostname(), command: 'sonic-mood ingest', since: 'x' }),
    );

    const next = await runSonicMood(['ingest', 'catalog', small], env);
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/dropped 1 staging table\(s\) left behind by an interrupted ingest/);
    const reopened = await openPGlite(dataDir);
    const left = await reopened.query(`SELECT 1 FROM pg_tables WHERE tablename LIKE 'ingest\\_%'`);
    await reopened.close();
    expect(left.rows).toEqual([]);
  }, 180_000);
});
