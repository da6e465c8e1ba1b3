/**
 * A streaming read replica of a private PostgreSQL cluster (`startPostgresServer` in servers.ts): a base
 * backup taken with `pg_basebackup -R` (which writes standby.signal and primary_conninfo), started as a
 * second cluster on a port of its own, replaying the primary's WAL as a read-only hot standby. The primary
 * needs nothing special: PostgreSQL 15's defaults are wal_level replica and 10 WAL senders, and initdb's
 * trust pg_hba.conf lets loopback replication connections in. As root both run as the `postgres` user.
 */
import path from 'node:path';
import { freePort } from './processes.ts';
import { clusterControl, clusterDir, pgTool, type RestartableServer } from './servers.ts';

export interface ReplicaServer extends RestartableServer {
  /** The same database on the replica as `primaryDatabaseUrl` names on the primary. */
  urlOf(primaryDatabaseUrl: string): string;
  /** The replica's server log, e.g. to show why it did not start. */
  readonly logFile: string;
  running(): boolean;
}

export async function startReplicaServer(primaryUrl: string): Promise<ReplicaServer> {
  const pgRun = pgTool();
  const [port, dir] = await Promise.all([freePort(), clusterDir('sonic-mood-replica-')]);
  // hot_standby: the replica answers read-only queries while it replays; pg_ctl -w waits for that.
  const control = clusterControl(pgRun, { dir, port, options: '-c hot_standby=on' });
  const primary = new URL(primaryUrl);
  try {
    await pgRun('pg_basebackup', [
      ...['-d', `host=${primary.hostname} port=${primary.port} user=${primary.username || 'postgres'}`],
      ...['-D', path.join(dir, 'data'), '-R', '-X', 'stream', '-c', 'fast', '--no-sync'],
    ]);
  } catch (error) {
    await control.destroy();
    throw error;
  }
  const server: ReplicaServer = {
    ...control,
    urlOf(primaryDatabaseUrl) {
      const u = new URL(primaryDatabaseUrl);
      u.host = `127.0.0.1:${port}`;
      return u.toString();
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
