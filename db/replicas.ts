/**
 * Read replicas for /mood: `search` and `vectorsOf` read from a PostgreSQL streaming replica when one is
 * usable; everything else (ingest, re-index, the link cache, the live-model lookup) stays on the primary.
 *
 * A replica is asynchronous, so it may be down or behind. Behind matters when a re-index has just switched
 * the live model: a query embedded for the new model must not meet the old model's vectors. Every search
 * already reads the live model (`embedding_models WHERE is_active`) on the server it searches, so the check
 * costs no extra round trip: that model must be the primary's. The primary's is the one `liveModel()` last
 * read — recommend() asks for it right before it embeds and searches, so it is as fresh as the model the
 * query was embedded for — and for a caller that searches without asking, one read of the primary at most
 * LIVE_MODEL_TTL_MS old, so a search does not pay a round trip to the primary each time. Comparing the live
 * model, not the replay LSN recorded at the switch, needs no bookkeeping on the primary and is enough: only
 * a switch changes which vectors a query may be compared with, and the model's row and its index replay in
 * commit order, so the row a replica reads always describes the index it has.
 *
 * A replica that fails (down, refusing connections, a query cancelled by a recovery conflict) or is behind
 * is skipped for RETRY_MS and the search runs on the primary at once, so no /mood fails because a replica
 * did; after that the next search tries it again. Usable replicas take turns.
 */
import type { Database } from './database.ts';
import { activeModel, type EmbeddingModel } from './embedding-models.ts';
import { openPostgres } from './postgres.ts';

const LIVE_MODEL_TTL_MS = 1_000;
const RETRY_MS = 5_000;
/** A replica that is gone must cost a search seconds at most, not the OS's minutes-long connect timeout. */
const REPLICA_CONNECT_TIMEOUT_MS = 2_000;

export interface ReplicaStatus {
  /** host:port/database, without credentials. */
  readonly name: string;
  readonly state: 'usable' | 'down' | 'behind';
  /** Searches and vector reads it answered. */
  readonly reads: number;
  /** Why it was last skipped. */
  readonly lastError?: string;
}

export interface Readers {
  /** The primary's live model, read now; replicas are held to it. */
  liveModel(): Promise<EmbeddingModel | undefined>;
  /** Runs `read` on a usable replica, or on the primary, with that server's own live model. */
  read<T>(read: (db: Database, model: EmbeddingModel | undefined) => Promise<T>): Promise<T>;
  status(): ReplicaStatus[];
  close(): Promise<void>;
}

interface Replica {
  readonly name: string;
  readonly db: Database;
  skippedUntil: number;
  state: ReplicaStatus['state'];
  reads: number;
  lastError?: string;
}

export function createReaders(
  primary: Database,
  replicas: readonly { readonly url: string; readonly db: Database }[],
  options: { readonly retryMs?: number } = {},
): Readers {
  const retryMs = options.retryMs ?? RETRY_MS;
  const pool: Replica[] = replicas.map(({ url, db }) => ({
    name: displayName(url),
    db,
    skippedUntil: 0,
    state: 'usable',
    reads: 0,
  }));
  let live: { model: EmbeddingModel | undefined; at: number } | undefined;
  let turn = 0;

  const liveModel = async () => {
    const model = await activeModel(primary);
    live = { model, at: Date.now() };
    return model;
  };
  const primaryLive = async () =>
    live && Date.now() - live.at < LIVE_MODEL_TTL_MS ? live.model : liveModel();

  const pick = (): Replica | undefined => {
    const now = Date.now();
    for (let i = 0; i < pool.length; i++) {
      const replica = pool[(turn + i) % pool.length];
      if (replica && replica.skippedUntil <= now) {
        turn = (turn + i + 1) % pool.length;
        return replica;
      }
    }
    return undefined;
  };
  const skip = (replica: Replica, state: 'down' | 'behind', why: string) => {
    replica.state = state;
    replica.lastError = why;
    replica.skippedUntil = Date.now() + retryMs;
  };

  return {
    liveModel,
    async read(read) {
      const replica = pick();
      if (replica) {
        const expected = await primaryLive();
        try {
          const model = await activeModel(replica.db);
          if (model?.id === expected?.id && model?.name === expected?.name) {
            const result = await read(replica.db, model);
            replica.state = 'usable';
            replica.reads++;
            return result;
          }
          skip(
            replica,
            'behind',
            `live model ${model?.name ?? 'none'}, the primary's ${expected?.name ?? 'none'}`,
          );
        } catch (error) {
          // Any failure, even one the primary would repeat: the primary's answer (or error) is what counts.
          skip(replica, 'down', error instanceof Error ? error.message : String(error));
        }
      }
      return read(primary, await activeModel(primary));
    },
    status: () =>
      pool.map(({ name, state, reads, lastError }) => ({
        name,
        state,
        reads,
        ...(lastError ? { lastError } : {}),
      })),
    async close() {
      await Promise.allSettled(pool.map((r) => r.db.close()));
    },
  };
}

const readersByDatabase = new WeakMap<Database, Readers>();

/**
 * The primary, opened with its replicas: `readersOf()` it for searches; closing it closes them too. Kept
 * beside the database rather than passed along, so every composition that opens the database gets its
 * replicas.
 */
export function withReplicas(
  primary: Database,
  replicaUrls: readonly string[],
  options: { readonly max?: number } = {},
): Database {
  const readers = createReaders(
    primary,
    replicaUrls.map((url) => ({
      url,
      db: openPostgres(url, {
        max: options.max,
        connectionTimeoutMillis: REPLICA_CONNECT_TIMEOUT_MS,
        connectRetries: 0,
      }),
    })),
  );
  const db: Database = {
    ...primary,
    async close() {
      await readers.close();
      await primary.close();
    },
  };
  readersByDatabase.set(db, readers);
  return db;
}

/** Where searches on `db` read from: its replicas when it was opened with some, else `db` alone. */
export function readersOf(db: Database): Readers {
  let readers = readersByDatabase.get(db);
  if (!readers) {
    readers = createReaders(db, []);
    readersByDatabase.set(db, readers);
  }
  return readers;
}

function displayName(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}
