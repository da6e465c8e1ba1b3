/**
 * A streaming read replica of a private PostgreSQL cluster (`startPostgresServer` in servers.ts): a base
 * backup taken with `pg_basebackup -R` (which writes standby.signal and primary_conninfo), started as a
 * second cluster on a port of its own, replaying the primary's WAL as a read-only hot standby. The primary
 * needs nothing special: PostgreSQL 15's defaults are wal_level replica and 10 WAL senders, and initdb's
 * trust pg_hba.conf lets loopback replication connections in. As root both run as the `postgres` user.
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './processes.ts';
import { postgresBinDir, postgresIds, type RestartableServer } from './servers.ts';

const run = promisify(execFile);

export interface ReplicaServer extends RestartableServer {
  /** The same database on the replica as `primaryDatabaseUrl` names on the primary. */
  urlOf(primaryDatabaseUrl: string): string;
  /** The replica's server log, e.g. to show why it did not start. */
  readonly logFile: string;
  running(): boolean;
}

export async function startReplicaServer(primaryUrl: string): Promise<ReplicaServer> {
  const bin = postgresBinDir();
  const [port, dir] = await Promise.all([freePort(), mkdtemp(path.join(tmpdir(), 'sonic-mood-replica-'))]);
  const asRoot = process.getuid?.() === 0;
  const pgRun = (tool: string, args: readonly string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args])
      : run(path.join(bin, tool), [...args]);
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'log');
  const primary = new URL(primaryUrl);
  try {
    if (asRoot) await chown(dir, ...(await postgresIds()));
    await pgRun('pg_basebackup', [
      ...['-d', `host=${primary.hostname} port=${primary.port} user=${primary.username || 'postgres'}`],
      ...['-D', data, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'],
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on`;
  let running = false;
  const server: ReplicaServer = {
    url,
    logFile,
    running: () => running,
    urlOf(primaryDatabaseUrl) {
      const u = new URL(primaryDatabaseUrl);
      u.host = `127.0.0.1:${port}`;
      return u.toString();
    },
    async start() {
      if (running) return;
      running = true; // pg_ctl may start the postmaster and still fail its wait: stop() must try regardless
      // -w waits until the standby has replayed to a consistent state and accepts read-only connections.
      await pgRun('pg_ctl', ['-D', data, '-o', options, '-l', logFile, '-w', '-t', '60', 'start']);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.end();
    },
    async stop() {
      if (!running) return;
      await pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      await server.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    await server.destroy();
    throw error;
  }
  return server;
}
