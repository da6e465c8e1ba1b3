/**
 * The unit tier stays quick and self-contained: no unit test file reaches PostgreSQL, Redis, PGlite or a
 * child process, so `npm run test:unit` runs on a machine with none of them. And every tier's list names
 * real files, so renaming a test never drops it from its tier silently.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { E2E, LOAD, UNIT } from '../vitest.config.ts';

/** Modules whose use means a server, a database engine or a process. */
const NEEDS_SERVICES = [
  /^ioredis$/,
  /^bullmq$/,
  /^pg$/,
  /^@electric-sql\/pglite/,
  /^node:child_process$/,
  /\/support\/(databases|redis|processes|servers|replica|discord-stack|slack)\.ts$/,
  /\/db\/(open|pglite|postgres)\.ts$/,
  /\/cli\/(worker|discord|slack)\.ts$/,
];

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');

describe('test tiers', () => {
  it('lists only files that exist, each in one tier', () => {
    for (const file of [...UNIT, ...E2E, ...LOAD]) expect(existsSync(file), file).toBe(true);
    expect(UNIT.filter((file) => E2E.includes(file))).toEqual([]);
  });

  it('keeps servers, database engines and child processes out of the unit tier', () => {
    const offending = UNIT.flatMap((file) =>
      importsOf(file)
        .filter((name) => NEEDS_SERVICES.some((pattern) => pattern.test(name)))
        .map((name) => `${file} imports ${name}`),
    );
    expect(offending).toEqual([]);
  });
});
