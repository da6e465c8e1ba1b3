/**
 * A live re-index status message, for every front end: post the status, then replace it as the job moves on,
 * until the job ends, the platform's reply window closes, or the process shuts down. A platform says how
 * often it may post (a Slack response_url takes five posts in 30 minutes; a Discord interaction token may edit
 * its reply at will for 15) through a {@link WatchPolicy}; the loop is the same.
 */
import type { ReindexQueue, ReindexStatus } from './reindex-queue.ts';
import { statusStage } from './reindex-status.ts';

export interface WatchPolicy {
  /** How often the queue is read (Redis only; the platform is called only when a post is due). */
  readonly pollMs: number;
  /** No two posts closer than this, so quick phase changes do not spend a budget. */
  readonly minGapMs: number;
  /** A running job's message is refreshed at least this often without a new phase (0: whenever it changes). */
  readonly refreshMs: number;
  /** Watching stops after this: the reply window's end, less a margin. */
  readonly watchMs: number;
  /** Posts the message may take in all, the last kept for the final state. */
  readonly maxPosts: number;
  /** Appended to the last post when watching stops before the job ends; absent, the message just stays. */
  readonly stopsUpdating?: string;
}

/** Posts one version of the message; false when the platform refused it (spent, expired): watching ends. */
export type StatusPost = (text: string) => Promise<boolean>;

export async function watchReindex(
  reindex: ReindexQueue,
  describe: (status: ReindexStatus) => string,
  post: StatusPost,
  policy: WatchPolicy,
  signal?: AbortSignal,
): Promise<void> {
  const started = Date.now();
  let posts = 0;
  let shown = '';
  let shownStage = '';
  let postedAt = 0;
  const publish = async (text: string, stage: string): Promise<boolean> => {
    if (!(await post(text))) return false;
    posts += 1;
    shown = text;
    shownStage = stage;
    postedAt = Date.now();
    return true;
  };

  for (;;) {
    if (signal?.aborted) return;
    const status = await settledStatus(reindex);
    const text = describe(status);
    const stage = statusStage(status);
    const now = Date.now();
    if (status.state === 'idle') {
      // The outcome (or "nothing has run"), unless it is already what the message says.
      if (text !== shown) await publish(text, stage);
      return;
    }
    if (now - started >= policy.watchMs) {
      if (policy.stopsUpdating !== undefined) await publish(`${text}\n${policy.stopsUpdating}`, stage);
      return;
    }
    const due =
      posts === 0 ||
      (posts < policy.maxPosts - 1 &&
        text !== shown &&
        now - postedAt >= policy.minGapMs &&
        (stage !== shownStage || now - postedAt >= policy.refreshMs));
    if (due && !(await publish(text, stage))) return;
    await sleep(policy.pollMs, signal);
  }
}

/**
 * `ReindexQueue.status()` looks for a waiting job, then an active one: a job the worker takes between those
 * two reads is in neither, and a re-index that just started would read as idle ("No re-index has run yet"),
 * ending the watch at once. It moves from waiting to active only once, so a second read settles it.
 */
export async function settledStatus(reindex: ReindexQueue): Promise<ReindexStatus> {
  const status = await reindex.status();
  return status.state === 'idle' ? reindex.status() : status;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
