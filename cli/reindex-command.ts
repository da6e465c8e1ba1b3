/** `sonic-mood reindex`: embed the catalog for a model, build its index and switch /mood to it, in this process. */
import type { Command } from 'commander';
import { loadConfig, logLevelFor } from '../core/config.ts';
import { MoodError } from '../core/errors.ts';
import { formatModelRef, requestedModel } from '../core/models.ts';
import { reindex } from '../db/reindex.ts';
import { openApp } from './app.ts';
import { createLogger } from './logger.ts';
import { integer } from './options.ts';
import { progressBar } from './progress.ts';

export function addReindexCommand(program: Command): void {
  program
    .command('reindex')
    .description('embed the catalog for a model, build its vector index and switch /mood to it')
    .option('--model <name>', 'an OpenAI-compatible embedding model (default: the configured embedder)')
    .option('--dimensions <n>', 'embedding dimensions for --model', integer(1, 4000))
    .option('--full', 're-embed every song, not only those the model lacks')
    .action(async (opts: { model?: string; dimensions?: number; full?: boolean }) => {
      const config = loadConfig();
      const log = createLogger(logLevelFor(config, 'command'));
      const app = await openApp(config, log);
      const bar = progressBar('Re-indexing', 'songs');
      try {
        const ref = opts.model ? requestedModel(config.models, opts.model, opts.dimensions) : undefined;
        const embedder = ref
          ? app.providers.embedderFor(formatModelRef(ref), ref.dimensions)
          : app.providers.embedder;
        if (!embedder)
          throw new MoodError(
            'ConfigInvalid',
            `Cannot embed with ${ref && formatModelRef(ref)}: set OPENAI_API_KEY (and OPENAI_BASE_URL).`,
          );
        let phase = '';
        const outcome = await reindex(app.db, embedder, {
          full: opts.full,
          buildMemoryBytes: config.indexBuildMemoryBytes,
          concurrency:
            embedder === app.providers.embedder && config.models.embeddingProvider === 'local' ? 1 : 4,
          onProgress: (p) => {
            if (p.phase === 'embedding' && p.total > 0) bar.update(p.done, p.total);
            if (p.phase !== 'embedding' && p.phase !== phase) {
              bar.stop();
              process.stderr.write(`${p.phase}…\n`);
            }
            phase = p.phase;
          },
        });
        bar.stop();
        if (outcome.status === 'switched') {
          console.log(
            `${outcome.model}: embedded ${outcome.embedded} songs in ${outcome.embedSeconds.toFixed(1)} s, ` +
              `index ${outcome.plan.kind} (${(outcome.indexBytes / 1e6).toFixed(1)} MB) in ${outcome.indexSeconds.toFixed(1)} s; now live`,
          );
        } else {
          console.log(`re-index cancelled after ${outcome.embedded} songs; the live index is unchanged`);
        }
      } finally {
        bar.stop();
        await app.close();
      }
    });
}
