/**
 * A private PostgreSQL cluster for a benchmark, inside a memory budget: the postmaster (and so every backend
 * and the page cache they fill) runs in a cgroup v1 memory group whose limit is the budget. Its data folder
 * survives the process, so a later run (`--reuse`) starts the same cluster again with everything loaded.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const CGROUP_ROOT = '/sys/fs/cgroup/memory';

export interface ClusterOptions {
  /** Holds `pgdata/` and the server log. */
  readonly dir: string;
  readonly port: number;
  readonly budgetBytes: number;
  /** Server settings, `name → value`, passed as `-c` options. */
  readonly settings: Readonly<Record<string, string>>;
}

export interface MemoryReading {
  readonly usage: number;
  readonly peak: number;
  readonly limit: number;
  /** Of `usage`: process memory (rss) and page cache (cache, shared buffers included once touched). */
  readonly rss: number;
  readonly cache: number;
}

export interface PrivateCluster {
  /** The `postgres` database, superuser. */
  readonly adminUrl: string;
  urlOf(database: string): string;
  memory(): Promise<MemoryReading>;
  resetPeak(): Promise<void>;
  stop(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(a) - Number(b))
        .at(-1)
    : undefined;
  if (!version) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, version, 'bin');
}

async function ids(user: string): Promise<[number, number]> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', user]),
    run('id', ['-g', user]),
  ]);
  return [Number(uid.trim()), Number(gid.trim())];
}

/** Runs a PostgreSQL tool as the `postgres` user (PostgreSQL refuses root), inside `cgroup` when given. */
function pgTool(tool: string, args: readonly string[], cgroup?: string): Promise<void> {
  const command = [join(binDir(), tool), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  // The shell joins the group first, then becomes the tool: the postmaster it forks inherits the group.
  const script = `${cgroup ? `echo $$ > ${cgroup}/tasks && ` : ''}exec runuser -u postgres -- ${command}`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${tool} failed (${code}): ${stderr.trim().slice(-500)}`)),
    );
  });
}

async function readNumber(path: string): Promise<number> {
  return Number((await readFile(path, 'utf8')).trim());
}

export async function startPrivateCluster(options: ClusterOptions): Promise<PrivateCluster> {
  if (process.getuid?.() !== 0) throw new Error('the private cluster needs root (cgroup and runuser)');
  if (!existsSync(`${CGROUP_ROOT}/memory.limit_in_bytes`)) {
    throw new Error(`no cgroup v1 memory controller at ${CGROUP_ROOT}`);
  }
  const data = join(options.dir, 'pgdata');
  await mkdir(options.dir, { recursive: true });
  await chown(options.dir, ...(await ids('postgres')));
  if (!existsSync(join(data, 'PG_VERSION'))) {
    await pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  }
  const cgroup = `${CGROUP_ROOT}/sonic-mood-bench-${options.port}`;
  await mkdir(cgroup, { recursive: true });
  await writeFile(`${cgroup}/memory.limit_in_bytes`, String(options.budgetBytes));
  const flags = [
    `-p ${options.port}`,
    `-k ${options.dir}`,
    '-c listen_addresses=127.0.0.1',
    ...Object.entries(options.settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');
  const log = join(options.dir, 'server.log');
  // A cluster left running by an interrupted run is stopped first, so it restarts inside the group.
  await pgTool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
  await pgTool('pg_ctl', ['-D', data, '-o', flags, '-l', log, '-w', '-t', '600', 'start'], cgroup);
  const adminUrl = `postgres://postgres@127.0.0.1:${options.port}/postgres`;
  const probe = new pg.Client({ connectionString: adminUrl });
  await probe.connect();
  await probe.end();

  const stat = async () => {
    const text = await readFile(`${cgroup}/memory.stat`, 'utf8');
    const value = (key: string) => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    return { rss: value('total_rss'), cache: value('total_cache') };
  };
  return {
    adminUrl,
    urlOf: (database) => `postgres://postgres@127.0.0.1:${options.port}/${database}`,
    async memory() {
      const [usage, peak, limit, s] = await Promise.all([
        readNumber(`${cgroup}/memory.usage_in_bytes`),
        readNumber(`${cgroup}/memory.max_usage_in_bytes`),
        readNumber(`${cgroup}/memory.limit_in_bytes`),
        stat(),
      ]);
      return { usage, peak, limit, ...s };
    },
    async resetPeak() {
      await writeFile(`${cgroup}/memory.max_usage_in_bytes`, '0');
    },
    async stop() {
      await pgTool('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
      // The group can go once its processes have; page cache it still holds is moved to the parent.
      await rmdir(cgroup).catch(() => {});
    },
  };
}
