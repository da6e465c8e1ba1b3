/**
 * Private Redis and PostgreSQL servers that a fault test may stop and start without disturbing the shared
 * ones other test files use. Both are the machine's own binaries, on free loopback ports, with data in a
 * temporary folder; Redis keeps an append-only file as docker-compose.yml configures it, so a restart keeps
 * its jobs, as in production.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from './processes.ts';

const run = promisify(execFile);

async function until(
  probe: () => Promise<boolean>,
  what: string,
  options: { timeoutMs?: number; gone?: () => string | undefined } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    const gone = options.gone?.();
    if (gone !== undefined) throw new Error(`${what} exited while starting: ${gone}`);
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `start`; if it fails, `cleanUp` (which must not throw) before the error goes on. */
async function startedOrCleanedUp(start: () => Promise<void>, cleanUp: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (error) {
    await cleanUp().catch(() => {});
    throw error;
  }
}

export interface RestartableServer {
  readonly url: string;
  /** A clean shutdown (Redis: SIGTERM, which flushes the append-only file; PostgreSQL: `pg_ctl stop -m fast`). */
  stop(): Promise<void>;
  /** Starts it again; does nothing while it runs. */
  start(): Promise<void>;
  /** Stops it for good and deletes its data. */
  destroy(): Promise<void>;
}

export async function startRedisServer(
  options: { readonly evictionPolicy?: string; readonly password?: string } = {},
): Promise<RestartableServer> {
  const [port, dir] = await Promise.all([freePort(), mkdtemp(path.join(tmpdir(), 'sonic-mood-redis-'))]);
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const url = `redis://${auth}127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const ping = async () => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {}); // refused while it starts: connect() rejects, which is the answer
    try {
      await redis.connect();
      // Loading the append-only file answers LOADING until the data is back.
      return (await redis.ping()) === 'PONG';
    } finally {
      redis.disconnect();
    }
  };
  const server: RestartableServer = {
    url,
    async start() {
      if (child) return;
      const log = path.join(dir, 'redis.log');
      const started = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', log],
          ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
          ...['--maxmemory-policy', options.evictionPolicy ?? 'noeviction'],
          ...(options.password ? ['--requirepass', options.password] : []),
        ],
        { stdio: 'ignore' },
      );
      child = started;
      let failure: string | undefined;
      started.once('error', (error) => (failure = error.message)); // e.g. no redis-server on PATH
      started.once('exit', (code, signal) => (failure ??= `code ${code}, signal ${signal}; see ${log}`));
      await until(ping, `redis-server on ${port}`, { gone: () => failure });
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((r) => running.once('exit', r));
      running.kill('SIGTERM');
      await exited;
    },
    async destroy() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await startedOrCleanedUp(server.start, server.destroy);
  return server;
}

/** The newest PostgreSQL on this machine, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(a) - Number(b))
        .at(-1)
    : undefined;
  if (!version) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return path.join(root, version, 'bin');
}

/** A PostgreSQL tool from the machine's newest server, run as the `postgres` user when the tests run as root. */
export type PgTool = (tool: string, args: readonly string[]) => Promise<unknown>;

export function pgTool(): PgTool {
  const bin = postgresBinDir();
  return process.getuid?.() === 0
    ? (tool, args) => run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args])
    : (tool, args) => run(path.join(bin, tool), [...args]);
}

/** A temporary folder the cluster's user may write to. */
export async function clusterDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  if (process.getuid?.() === 0) await chown(dir, ...(await postgresIds()));
  return dir;
}

/**
 * Starting and stopping the cluster in `<dir>/data` on loopback `port` (socket in `dir`, log in `<dir>/log`);
 * `start` returns once it takes connections, `destroy` deletes the folder. `options` are extra server settings.
 */
export function clusterControl(
  pgRun: PgTool,
  { dir, port, options = '' }: { readonly dir: string; readonly port: number; readonly options?: string },
): RestartableServer & { running(): boolean; readonly logFile: string } {
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'log');
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off ${options}`.trim();
  let running = false;
  const control = {
    url,
    logFile,
    running: () => running,
    async start() {
      if (running) return;
      running = true; // pg_ctl may start the postmaster and still fail its wait: stop() must try regardless
      await pgRun('pg_ctl', ['-D', data, '-o', serverOptions, '-l', logFile, '-w', '-t', '60', 'start']);
      await until(async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.end();
        return true;
      }, `PostgreSQL on ${port}`);
    },
    async stop() {
      if (!running) return;
      await pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      await control.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  return control;
}

/**
 * A PostgreSQL cluster of its own (initdb in a temporary folder, trust auth, user `postgres`), with the
 * machine's pgvector. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 * `url` is the cluster's `postgres` database, for creating the test's own database.
 */
export async function startPostgresServer(): Promise<RestartableServer> {
  const pgRun = pgTool();
  const [port, dir] = await Promise.all([freePort(), clusterDir('sonic-mood-pg-')]);
  await pgRun('initdb', [
    '-D',
    path.join(dir, 'data'),
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--no-sync',
  ]).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const server = clusterControl(pgRun, { dir, port });
  await startedOrCleanedUp(server.start, server.destroy);
  return server;
}

/** The uid and gid of the `postgres` user, whom PostgreSQL runs as when the tests run as root. */
export async function postgresIds(): Promise<[number, number]> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return [Number(uid.trim()), Number(gid.trim())];
}
