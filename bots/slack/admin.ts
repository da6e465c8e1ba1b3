/**
 * `/mood-admin reindex [model:<name>] [dimensions:<n>] [full] | status | cancel` on Slack, through the one
 * admin admission (workers/admin-admission.ts), as on Discord. Only operators (OPERATOR_IDS `slack:<user id>`)
 * may start or cancel a re-index; anyone else gets a polite ephemeral refusal and nothing is enqueued.
 *
 * Status is for anyone who can run the command: a Slack slash command has no per-command permission (Discord
 * has `default_member_permissions`), so whoever may use the app in the workspace may read the progress. It
 * shows only the phase, counts and model name.
 *
 * Every command is acknowledged at once (Slack's 3 seconds) with an ephemeral placeholder; the answer then goes
 * through the command's response_url, replacing that placeholder, and for reindex/status keeps replacing it
 * with a progress bar while the job runs, within the URL's five posts.
 */
import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import {
  adminOutcome,
  createAdminAdmission,
  ADMIN_MESSAGES as SHARED,
} from '../../workers/admin-admission.ts';
import type { DeliveryGuard } from '../../workers/limits.ts';
import type { ReindexQueue, ReindexStatus } from '../../workers/reindex-queue.ts';
import { describeReindexStatus, type StatusMarkup } from '../../workers/reindex-status.ts';
import { settledStatus, type WatchPolicy, watchReindex } from '../../workers/reindex-watch.ts';
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

export type WatchTiming = Omit<WatchPolicy, 'maxPosts' | 'stopsUpdating'>;

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
  ...SHARED,
  notOperator: SHARED.notOperator('workspace'),
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
  const policy: WatchPolicy = {
    ...WATCH_TIMING,
    ...deps.timing,
    maxPosts: RESPONSE_URL_POSTS,
    stopsUpdating: ADMIN_MESSAGES.stopsUpdating,
  };
  const admission = createAdminAdmission(deps, deps.log);
  let watchers = 0;

  const watch = async (request: AdminRequest, log: Logger): Promise<void> => {
    if (watchers >= MAX_WATCHERS) {
      await request.respond(replacing(describeStatusForSlack(await settledStatus(deps.reindex))));
      return;
    }
    watchers += 1;
    const post = async (text: string) => {
      try {
        await request.respond(replacing(text));
        return true;
      } catch (error) {
        // Never the URL itself in the logs: it needs no token to post to.
        log.info({ err: error }, 'status message not updated');
        return false;
      }
    };
    try {
      await watchReindex(deps.reindex, describeStatusForSlack, post, policy, deps.signal);
    } finally {
      watchers -= 1;
    }
  };

  return async (request) => {
    const parsed = parseAdminCommand(request.text);
    if (parsed.kind === 'help') return request.ack(ephemeral(ADMIN_HELP));
    if (parsed.kind === 'invalid') return request.ack(ephemeral(parsed.message));
    const log = deps.log.child({ team: request.teamId, userId: request.userId, sub: parsed.kind });
    // Slack redelivers a command whose ack was slow; only the first delivery acts (the admission's claim), or
    // a second watcher would spend the same response_url's five posts.
    const verdict = await admission.submitAdmin(
      { platform: 'slack', userId: request.userId, interactionKey: request.triggerId, command: parsed },
      () => request.ack(ephemeral(ADMIN_MESSAGES.working[parsed.kind])),
    );
    try {
      if (verdict.status === 'refused') return await request.ack(ephemeral(ADMIN_MESSAGES.notOperator));
      const outcome = adminOutcome(verdict);
      if (outcome !== undefined) await request.respond(replacing(outcome));
      if (verdict.status === 'watch') await watch(request, log);
    } catch (error) {
      // A failed post's error carries the response_url, which needs no token to post to: the logger's err
      // serializer (cli/logger.ts) drops the request it came with.
      log.error({ err: error }, 'admin command failed');
      await request.respond(replacing(ADMIN_MESSAGES.unavailable)).catch(() => {});
    }
  };
}
