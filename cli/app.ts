/** Composes the product from configuration: database, model providers, link resolver, recommender. */
import type { Config } from '../core/config.ts';
import type { FeedbackScores, LinkCache } from '../core/ports.ts';
import { createModelProviders, type ModelProviders } from '../core/providers.ts';
import { createRecommender, type Recommender } from '../core/recommend.ts';
import { SpotifyLinkResolver } from '../core/spotify/resolver.ts';
import type { Database } from '../db/database.ts';
import { createLinkCache } from '../db/link-cache.ts';
import { openDatabase } from '../db/open.ts';
import { createSongIndex } from '../db/song-index.ts';
import type { Metrics } from '../workers/metrics.ts';
import type { Logger } from './logger.ts';

export interface App {
  readonly db: Database;
  readonly providers: ModelProviders;
  readonly recommender: Recommender;
  close(): Promise<void>;
}

/** `feedback`: the group votes a worker demotes songs by (a CLI `mood` has no group and passes none). */
export async function openApp(
  config: Config,
  log: Logger,
  metrics?: Metrics,
  feedback?: FeedbackScores,
): Promise<App> {
  const [db, providers] = await Promise.all([
    openDatabase(config),
    createModelProviders(config, (stage, error) =>
      log.warn({ stage, err: error }, 'remote writer failed; used the local one'),
    ),
  ]);
  const cache = createLinkCache(db);
  const links = new SpotifyLinkResolver({
    config: config.spotify,
    cache: metrics ? countLookups(cache, metrics) : cache,
    log,
  });
  const recommender = createRecommender({
    ...providers,
    index: createSongIndex(db),
    links,
    feedback,
    options: config.recommend,
    onDegraded: (stage, error) => log.warn({ stage, err: error }, 'HyDE failed; searching by mood alone'),
    // The share of named songs the catalog holds is how well grounded HyDE works on this catalog.
    onSuggestions: (stats) =>
      log.debug(stats, 'grounded HyDE: songs named by the model, found in the catalog'),
  });
  return { db, providers, recommender, close: () => db.close() };
}

/** Counts cache hits and misses for the hit-rate metric. */
function countLookups(cache: LinkCache, metrics: Metrics): LinkCache {
  return {
    async get(songIds) {
      const found = await cache.get(songIds);
      metrics.linkCache(found.size, songIds.length - found.size);
      return found;
    },
    put: (entries, ttl) => cache.put(entries, ttl),
  };
}

/** The message and code of an error, without stack or request details that could carry secrets. */
export function errorSummary(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  // PGlite (Emscripten) can throw plain objects, which String() turns into "[object Object]".
  if (typeof error === 'object' && error !== null) {
    const fields = error as { message?: unknown; code?: unknown; errno?: unknown };
    if (typeof fields.message === 'string' && fields.message) return { message: fields.message };
    let text: string | undefined;
    try {
      text = JSON.stringify(error);
    } catch {
      text = undefined;
    }
    if (text && text !== '{}') return { message: text.slice(0, 300) };
    if (fields.errno !== undefined || fields.code !== undefined) {
      return { message: `system error ${String(fields.code ?? fields.errno)}` };
    }
    return { message: 'an unknown error from the embedded database (is the disk full?)' };
  }
  return { message: String(error) };
}
