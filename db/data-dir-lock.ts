/**
 * An exclusive lock on PGlite's data folder. PGlite is one PostgreSQL backend with no postmaster to arbitrate
 * between processes: two processes on one folder corrupt each other's view of it and fail at random
 * (`Aborted()`, `could not create file … File exists`, or hang). The lock is a file beside the folder,
 * `<folder>.lock`, holding the owner's PID, host and command, created atomically (written aside, then
 * hard-linked into place, so no reader ever sees it half-written). A lock whose process is gone (same host,
 * no such PID) is stale and taken over, under a second O_EXCL file so two takers cannot both win.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

/** The folder is held by another process; the message is one line, meant for the operator as it is. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
    lockPath: string,
  ) {
    super(
      holder
        ? `the embedded database ${dataDir} is in use by PID ${holder.pid}` +
            (holder.host === hostname() ? '' : ` on host ${holder.host}`) +
            ` (${holder.command}, since ${holder.since}); wait for it to finish or stop it` +
            (holder.host === hostname() ? '' : `, then delete ${lockPath} if it is gone`)
        : `the embedded database ${dataDir} is being locked by another process (${lockPath}); try again`,
    );
  }
}

/** Folders this process holds, so a second open in the same process fails instead of waiting for itself. */
const held = new Set<string>();
/** A takeover file older than this was left by a process that died mid-takeover. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Takes the lock on `dataDir`, waiting up to `waitMs` for another process to let go; resolves with the
 * function that releases it. Throws DataDirInUseError when the wait runs out.
 */
export async function lockDataDir(dataDir: string, waitMs: number): Promise<() => Promise<void>> {
  const dir = path.resolve(dataDir);
  const lockPath = `${dir}.lock`;
  if (held.has(dir)) {
    throw new DataDirInUseError(dir, describeSelf(), lockPath);
  }
  const me = describeSelf();
  const content = `${JSON.stringify(me)}\n`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await tryCreate(lockPath, content)) break;
    const holder = await readHolder(lockPath);
    if (holder === 'gone') continue;
    if (holder !== 'unreadable' && isStale(holder)) {
      await takeOver(lockPath, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new DataDirInUseError(dir, holder === 'unreadable' ? undefined : holder, lockPath);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  held.add(dir);
  // A process that exits without closing the database (an uncaught error, process.exit) still lets go.
  const onExit = () => {
    try {
      if (readFileSync(lockPath, 'utf8') === content) unlinkSync(lockPath);
    } catch {
      // Already gone.
    }
  };
  process.once('exit', onExit);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    process.removeListener('exit', onExit);
    held.delete(dir);
    try {
      if ((await readFile(lockPath, 'utf8')) === content) await unlink(lockPath);
    } catch {
      // Already gone.
    }
  };
}

function describeSelf(): LockHolder {
  return {
    pid: process.pid,
    host: hostname(),
    command: ['sonic-mood', ...process.argv.slice(2)].join(' ').slice(0, 80),
    since: new Date().toISOString(),
  };
}

async function tryCreate(lockPath: string, content: string): Promise<boolean> {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, content, { flag: 'wx' });
  try {
    await link(aside, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    // Already linked into place or never written: either way nothing is left to clean up.
    await unlink(aside).catch(() => {});
  }
}

async function readHolder(lockPath: string): Promise<LockHolder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string') {
      return {
        pid: value.pid,
        host: value.host,
        command: String(value.command ?? '?'),
        since: String(value.since ?? '?'),
      };
    }
  } catch {
    // Not ours, or damaged: treated as held, never removed automatically.
  }
  return 'unreadable';
}

/** Only a lock from this host can be checked; our own PID here means a previous process that had it. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function takeOver(lockPath: string, stale: LockHolder): Promise<void> {
  const guard = `${lockPath}.takeover`;
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(guard, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = await stat(guard).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    // Another process may have removed the stale guard first; the loop tries again either way.
    if (age > TAKEOVER_STALE_MS) await unlink(guard).catch(() => {});
    else await new Promise((resolve) => setTimeout(resolve, 50));
    return;
  }
  try {
    // Still the same stale holder? Only then remove it: a live lock is never touched.
    const now = await readHolder(lockPath);
    if (typeof now === 'object' && now.pid === stale.pid && now.since === stale.since) await unlink(lockPath);
  } finally {
    await file.close();
    // A guard already gone was removed as stale by a waiting process: nothing to release.
    await unlink(guard).catch(() => {});
  }
}
