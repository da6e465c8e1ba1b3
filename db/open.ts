import type { Config } from '../core/config.ts';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPGlite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { withReplicas } from './replicas.ts';

/**
 * Opens the configured engine and brings its schema up to date. Read replicas (native engine only; the
 * config refuses them without DATABASE_URL) are opened beside it for searches; they get the schema through
 * replication.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'pgliteDir'> &
    Partial<Pick<Config, 'databaseReplicaUrls' | 'databasePoolMax'>>,
): Promise<Database> {
  const db = config.databaseUrl
    ? openPostgres(config.databaseUrl, { max: config.databasePoolMax })
    : await openPGlite(config.pgliteDir);
  try {
    await migrate(db);
  } catch (error) {
    // The migration's error is the one to report; closing is only so the process can exit.
    await db.close().catch(() => {});
    throw error;
  }
  const replicas = config.databaseUrl ? (config.databaseReplicaUrls ?? []) : [];
  return replicas.length > 0 ? withReplicas(db, replicas, { max: config.databasePoolMax }) : db;
}
