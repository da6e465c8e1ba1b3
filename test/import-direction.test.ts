/**
 * Imports point one way: cli → bots → workers → db → core (ARCHITECTURE.md). A file may import from its own
 * layer and the layers below it, never from one above: core imports nothing from db/, workers/, bots/ or cli/;
 * db nothing from workers/, bots/ or cli/; workers nothing from bots/ or cli/; bots nothing from cli/. Core
 * is the bottom, so anything may import it, types or values. test/ and bench/ sit on top and import anything;
 * no product file imports them. Read from the source with the TypeScript parser: no services needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Lowest first. test/ and bench/ are consumers of every layer, above all of them. */
const RANK: Readonly<Record<string, number>> = {
  core: 0,
  db: 1,
  workers: 2,
  bots: 3,
  cli: 4,
  bench: 5,
  test: 5,
};
const PRODUCT_LAYERS = ['core', 'db', 'workers', 'bots', 'cli'] as const;

interface UpwardImport {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly from: string;
  readonly to: string;
}

/** Every module specifier in `text`: import/export … from, side-effect imports, `import()` and `import('…').T`. */
function specifiers(file: string, text: string): { specifier: string; line: number }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { specifier: string; line: number }[] = [];
  const add = (node: ts.Node | undefined) => {
    if (!node || !ts.isStringLiteralLike(node)) return;
    found.push({
      specifier: node.text,
      line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The imports of one file (path relative to the repository root) that point at a layer above its own. */
function upwardImports(file: string, text: string): UpwardImport[] {
  const from = file.split('/')[0] ?? '';
  const own = RANK[from];
  if (own === undefined) return [];
  return specifiers(file, text).flatMap(({ specifier, line }) => {
    // Packages and node: builtins are no layer's; only relative paths reach another folder of this repo.
    if (!specifier.startsWith('.')) return [];
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).split('/')[0] ?? '';
    const target = RANK[to];
    return target !== undefined && target > own ? [{ file, line, specifier, from, to }] : [];
  });
}

function productFiles(): string[] {
  return PRODUCT_LAYERS.flatMap((layer) =>
    readdirSync(path.join(root, layer), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${layer}/${f.split(path.sep).join('/')}`),
  ).sort();
}

describe('import direction', () => {
  it('finds every layer and reads what an upward import looks like', () => {
    const files = productFiles();
    for (const layer of PRODUCT_LAYERS)
      expect(
        files.some((f) => f.startsWith(`${layer}/`)),
        layer,
      ).toBe(true);
    const sample = [
      "import type { Responder } from '../bots/discord/responder.ts';",
      "export { createSlackApp } from '../bots/slack/app.ts';",
      "import { MoodError } from '../core/errors.ts';",
      "import { Queue } from 'bullmq';",
      "const later = await import('../cli/app.ts');",
    ].join('\n');
    expect(upwardImports('workers/example.ts', sample).map((u) => `${u.line} ${u.to}`)).toEqual([
      '1 bots',
      '2 bots',
      '5 cli',
    ]);
    const nested =
      "import { QUEUES } from '../../workers/jobs.ts';\nimport type { Database } from '../database.ts';";
    expect(upwardImports('db/ingest/example.ts', nested).map((u) => `${u.line} ${u.to}`)).toEqual([
      '1 workers',
    ]);
    expect(upwardImports('cli/example.ts', sample)).toEqual([]);
  });

  it('no file in core/, db/, workers/, bots/ or cli/ imports from a layer above its own', () => {
    const upward = productFiles().flatMap((file) =>
      upwardImports(file, readFileSync(path.join(root, file), 'utf8')),
    );
    const listed = upward.map((u) => `${u.file}:${u.line} imports '${u.specifier}' (${u.from} → ${u.to})`);
    expect(listed, 'imports point one way: cli → bots → workers → db → core').toEqual([]);
  });
});
