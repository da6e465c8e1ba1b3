#!/usr/bin/env node
// `npm run build`: compiles core, db, workers, bots and cli to dist/ (tsconfig.build.json) and copies beside
// them the files they read at run time by a path relative to their own module: the SQL migrations
// (db/migrate.ts) and the demo catalog (cli/catalog-setup.ts). `node scripts/build.mjs <dir>` builds into
// another folder (the tests do, to leave dist/ alone).
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(root, process.argv[2] ?? 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', out], {
  stdio: 'inherit',
});
cpSync(path.join(root, 'db/migrations'), path.join(out, 'db/migrations'), { recursive: true });
cpSync(path.join(root, 'data'), path.join(out, 'data'), { recursive: true });
