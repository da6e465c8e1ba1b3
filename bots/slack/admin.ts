/**
 * `/mood-admin reindex [model:<name>] [dimensions:<n>] [full] | status | cancel` on Slack, as on Discord
 * (bots/discord/admin.ts). Only operators (OPERATOR_IDS `slack:<user id>`) may start or cancel a re-index;
 * anyone else gets a polite ephemeral refusal and nothing is enqueued.
 *
 * Status is for anyone who can run the command: a Slack slash command has no per-command permission (Discord
 * has `default_member_permissions`), so whoever may use the app in the workspace may read the progress. It
 * shows only the phase, counts and model name.
 *
 * Every command is acknowledged at once (Slack's 3 seconds) with an ephemeral placeholder; the answer then goes
 * through the command's response_url, replacing that placeholder, and for reindex/status keeps replacing it
 * with a progress bar while the job runs.
 */
import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { DeliveryGuard } from '../../workers/limits.ts';
import type { ReindexQueue, ReindexStatus } from '../../workers/reindex-queue.ts';
import { describeReindexStatus, type StatusMarkup, statusStage } from '../../workers/reindex-status.ts';
import { ADMIN_HELP, parseAdminCommand } from './commands.ts';
import { escapeMrkdwn } from './render.ts';

export interface SlackAdminDeps {
  readonly reindex: ReindexQueue;
  /** `slack:<user id>` entries may re-index and cancel. */
  readonly operators: ReadonlySet<string>;
  /** Aborted at shutdown: status messages stop updating. */
  readonly signal?: AbortSignal;
  /** Tests shorten these; production uses {@link WATCH_TIMING}. */
  readonly timing?: Partial<WatchTiming>;
}

export interface WatchTiming {
  /** How often the queue is read (Redis only; Slack is called only when a post is due). */
  readonly pollMs: number;
  /** No two progress posts closer than this, so quick phase changes do not spend the budget. */
  readonly minGapMs: number;
  /** A running job's message is refreshed at least this often (budget permitting) even without a new phase. */
  readonly refreshMs: number;
  /** Watching stops after this; the response_url dies at 30 minutes. */
  readonly watchMs: number;
}

/**
 * A response_url takes at most 5 posts within 30 minutes of the command. The budget: the first status, up to
 * three progress updates (at a phase change — queued → embedding → indexing — or every 7 minutes, never two
 * within a minute), and the last post kept in reserve for the final state: the outcome when the job ends, or,
 * at 25 minutes, the progress then with a note that the message stops updating (5 minutes short of the URL's
 * expiry, so a slow post still lands). Over a long run that is roughly minutes 0, 1, 8, 15 and 25.
 */
export const RESPONSE_URL_POSTS = 5;
export const WATCH_TIMING: WatchTiming = {
  pollMs: 5_000,
  minGapMs: 60_000,
  refreshMs: 7 * 60_000,
  watchMs: 25 * 60_000,
};
/** Everyone may ask for the status; past this many live messages, later askers get a snapshot only. */
const MAX_WATCHERS = 20;

export const ADMIN_MESSAGES = {
  notOperator:
    "Sorry, only Sonic Mood's operators can do that: the song catalog is shared by every workspace.",
  busy: 'A re-index is already running. `/mood-admin status` shows its progress.',
  nothingToCancel: 'No re-index is running.',
  cancelled: 'Cancelling: the re-index stops after its current batch. The live index stays as it is.',
  unavailable: 'Sonic Mood could not reach its job queue. Please try again in a minute.',
  working: {
    reindex: ':hourglass_flowing_sand: Starting a re-index…',
    status: ':hourglass_flowing_sand: Checking the re-index…',
    cancel: ':hourglass_flowing_sand: Cancelling the re-index…',
  },
  stopsUpdating: '_This message stops updating here; `/mood-admin status` shows the latest._',
} as const;

/** Model names come from the command or the database: escaped, and without a mass mention. */
const SLACK_MARKUP: StatusMarkup = {
  bold: (t) => `*${t}*`,
  code: (t) => `\`${t}\``,
  value: (t) => escapeMrkdwn(t),
};

export function describeStatusForSlack(status: ReindexStatus): string {
  return describeReindexStatus(status, SLACK_MARKUP);
}

/** One `/mood-admin` command, already checked against Slack's payload shape. */
export interface AdminRequest {
  readonly text: string;
  readonly userId: string;
  readonly teamId: string;
  readonly triggerId: string;
  readonly ack: (message: RespondArguments) => Promise<void>;
  readonly respond: RespondFn;
}

/** As on Discord, a model option is an OpenAI-compatible model; 1024 dimensions unless told. */
const DEFAULT_DIMENSIONS = 1024;

const ephemeral = (text: string): RespondArguments => ({ response_type: 'ephemeral', text });
/** Every response_url post replaces the placeholder (or the previous status) in place. */
const replacing = (text: string): RespondArguments => ({
  response_type: 'ephemeral',
  replace_original: true,
  text,
});

export function createSlackAdmin(
  deps: SlackAdminDeps & { readonly log: Logger; readonly deliveries: DeliveryGuard },
): (request: AdminRequest) => Promise<void> {
  const timing: WatchTiming = { ...WATCH_TIMING, ...deps.timing };
  let watchers = 0;

  const watch = async (request: AdminRequest, log: Logger): Promise<void> => {
    if (watchers >= MAX_WATCHERS) {
      await request.respond(replacing(describeStatusForSlack(await settledStatus(deps.reindex))));
      return;
    }
    watchers += 1;
    try {
      await watchStatus(request.respond, deps.reindex, timing, deps.signal, log);
    } finally {
      watchers -= 1;
    }
  };

  return async (request) => {
    const parsed = parseAdminCommand(request.text);
    if (parsed.kind === 'help') return request.ack(ephemeral(ADMIN_HELP));
    if (parsed.kind === 'invalid') return request.ack(ephemeral(parsed.message));
    const log = deps.log.child({ team: request.teamId, userId: request.userId, sub: parsed.kind });
    const isOperator = deps.operators.has(`slack:${request.userId}`);
    if ((parsed.kind === 'reindex' || parsed.kind === 'cancel') && !isOperator) {
      log.info('admin command refused');
      return request.ack(ephemeral(ADMIN_MESSAGES.notOperator));
    }
    // Slack redelivers a command whose ack was slow; only the first delivery acts, or a second watcher would
    // spend the same response_url's five posts.
    const first = await deps.deliveries.claim('slack', request.triggerId).catch(() => true);
    await request.ack(ephemeral(ADMIN_MESSAGES.working[parsed.kind]));
    if (!first) {
      log.info('repeated delivery ignored');
      return;
    }

    try {
      if (parsed.kind === 'cancel') {
        const cancelled = await deps.reindex.cancel();
        if (cancelled) log.info('re-index cancel requested');
        await request.respond(
          replacing(cancelled ? ADMIN_MESSAGES.cancelled : ADMIN_MESSAGES.nothingToCancel),
        );
        return;
      }
      if (parsed.kind === 'reindex') {
        const { model, dimensions, full } = parsed;
        const outcome = await deps.reindex.start({
          v: 1,
          model: model ? `openai:${model}@${dimensions ?? DEFAULT_DIMENSIONS}` : undefined,
          dimensions: model ? (dimensions ?? DEFAULT_DIMENSIONS) : undefined,
          full,
          requestedBy: { platform: 'slack', userId: request.userId },
        });
        if (outcome === 'busy') {
          await request.respond(replacing(ADMIN_MESSAGES.busy));
          return;
        }
        log.info({ model, full }, 're-index requested');
      }
      await watch(request, log);
    } catch (error) {
      log.error({ err: String(error) }, 'admin command failed');
      await request.respond(replacing(ADMIN_MESSAGES.unavailable)).catch(() => {});
    }
  };
}

/**
 * Posts the status, then replaces it as the job moves on, within {@link RESPONSE_URL_POSTS} posts and
 * `watchMs`. Resolves when the job has ended and its outcome is posted, at the deadline, at shutdown, or when
 * Slack refuses the URL (spent or expired).
 */
async function watchStatus(
  respond: RespondFn,
  reindex: ReindexQueue,
  timing: WatchTiming,
  signal: AbortSignal | undefined,
  log: Logger,
): Promise<void> {
  const started = Date.now();
  let posts = 0;
  let shown = '';
  let shownStage = '';
  let postedAt = 0;
  const post = async (text: string, stage: string): Promise<boolean> => {
    try {
      await respond(replacing(text));
    } catch (error) {
      // Never the URL itself in the logs: it needs no token to post to.
      log.info({ err: error instanceof Error ? error.message : String(error) }, 'status message not updated');
      return false;
    }
    posts += 1;
    shown = text;
    shownStage = stage;
    postedAt = Date.now();
    return true;
  };

  for (;;) {
    if (signal?.aborted) return;
    const status = await settledStatus(reindex);
    const text = describeStatusForSlack(status);
    const stage = statusStage(status);
    const now = Date.now();
    if (status.state === 'idle') {
      // The outcome (or "nothing has run"), unless it is already what the message says.
      if (text !== shown) await post(text, stage);
      return;
    }
    if (now - started >= timing.watchMs) {
      await post(`${text}\n${ADMIN_MESSAGES.stopsUpdating}`, stage);
      return;
    }
    const due =
      posts === 0 ||
      (posts < RESPONSE_URL_POSTS - 1 &&
        text !== shown &&
        now - postedAt >= timing.minGapMs &&
        (stage !== shownStage || now - postedAt >= timing.refreshMs));
    if (due && !(await post(text, stage))) return;
    await sleep(timing.pollMs, signal);
  }
}

/**
 * `ReindexQueue.status()` looks for an active job, then a waiting one: a job the worker takes between those
 * two reads is in neither, and a re-index that just started would read as idle ("No re-index has run yet"),
 * ending the watch at once. It moves from waiting to active only once, so a second read settles it.
 */
async function settledStatus(reindex: ReindexQueue): Promise<ReindexStatus> {
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
