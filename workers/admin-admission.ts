/**
 * The one admission path of `/mood-admin reindex | status | cancel`, for every platform. Only operators
 * (OPERATOR_IDS, `<platform>:<user id>`) may start or cancel a re-index: the catalog is shared by every server
 * and workspace, so a server's own admins may read the status, not change it. A bot translates its command
 * into an {@link AdminSubmission}, and renders the {@link AdminVerdict}; watching the status afterwards is
 * `watchReindex` (reindex-watch.ts).
 */
import type { AdmissionLog } from './admission.ts';
import type { DeliveryGuard } from './limits.ts';
import type { ReindexQueue } from './reindex-queue.ts';

export type AdminCommand =
  | {
      readonly kind: 'reindex';
      readonly model?: string;
      readonly dimensions?: number;
      readonly full: boolean;
    }
  | { readonly kind: 'status' }
  | { readonly kind: 'cancel' };

export interface AdminSubmission {
  readonly platform: 'discord' | 'slack';
  readonly userId: string;
  /** The platform's id of this delivery (Discord interaction id, Slack trigger_id). */
  readonly interactionKey: string;
  readonly command: AdminCommand;
}

export type AdminVerdict =
  /** Not an operator; not acknowledged, so the refusal can be the first answer. Nothing was enqueued. */
  | { readonly status: 'refused' }
  /** A redelivery: acknowledged, and the first delivery does the work (or a second watcher would post too). */
  | { readonly status: 'repeat' }
  /** The platform refused the acknowledgement. */
  | { readonly status: 'unacknowledged' }
  /** The queue could not be reached, after the acknowledgement. */
  | { readonly status: 'unavailable' }
  /** A re-index is already waiting or running; nothing new was enqueued. */
  | { readonly status: 'busy' }
  | { readonly status: 'cancelled' }
  | { readonly status: 'nothingToCancel' }
  /** Started (or asked for the status): the bot shows the status and keeps it current. */
  | { readonly status: 'watch'; readonly started: boolean };

/** The words every platform answers an admin command with. */
export const ADMIN_MESSAGES = {
  notOperator: (group: string) =>
    `Sorry, only Sonic Mood's operators can do that: the song catalog is shared by every ${group}.`,
  busy: 'A re-index is already running. `/mood-admin status` shows its progress.',
  nothingToCancel: 'No re-index is running.',
  cancelled: 'Cancelling: the re-index stops after its current batch. The live index stays as it is.',
  unavailable: 'Sonic Mood could not reach its job queue. Please try again in a minute.',
} as const;

/** The final answer of a verdict that needs no watching, if it has one (refusals are the platform's to word). */
export function adminOutcome(verdict: AdminVerdict): string | undefined {
  switch (verdict.status) {
    case 'unavailable':
    case 'busy':
    case 'cancelled':
    case 'nothingToCancel':
      return ADMIN_MESSAGES[verdict.status];
    default:
      return undefined;
  }
}

export interface AdminAdmissionDeps {
  readonly reindex: ReindexQueue;
  /** `discord:<id>`, `slack:<id>` entries may re-index and cancel. */
  readonly operators: ReadonlySet<string>;
  readonly deliveries: DeliveryGuard;
}

export interface AdminAdmission {
  submitAdmin(submission: AdminSubmission, acknowledge: () => Promise<void>): Promise<AdminVerdict>;
}

export function createAdminAdmission(deps: AdminAdmissionDeps, log: AdmissionLog): AdminAdmission {
  return {
    async submitAdmin({ platform, userId, interactionKey, command }, acknowledge) {
      const where = { platform, userId, sub: command.kind };
      const isOperator = deps.operators.has(`${platform}:${userId}`);
      if (command.kind !== 'status' && !isOperator) {
        log.info(where, 'admin command refused');
        return { status: 'refused' };
      }
      const first = await deps.deliveries.claim(platform, interactionKey).catch(() => true);
      try {
        await acknowledge();
      } catch (error) {
        log.info(
          { ...where, reason: error instanceof Error ? error.message : String(error) },
          'could not acknowledge',
        );
        return { status: 'unacknowledged' };
      }
      if (!first) {
        log.info(where, 'repeated delivery ignored');
        return { status: 'repeat' };
      }
      try {
        if (command.kind === 'cancel') {
          const cancelled = await deps.reindex.cancel();
          if (cancelled) log.info(where, 're-index cancel requested');
          return { status: cancelled ? 'cancelled' : 'nothingToCancel' };
        }
        if (command.kind === 'reindex') {
          const { model, dimensions, full } = command;
          const outcome = await deps.reindex.start({
            // Without dimensions the queue sizes the model by EMBEDDING_DIMENSIONS, as the CLI does.
            model: model ? { name: model, dimensions } : undefined,
            full,
            requestedBy: { platform, userId },
          });
          if (outcome === 'busy') return { status: 'busy' };
          log.info({ ...where, model, full }, 're-index requested');
          return { status: 'watch', started: true };
        }
        return { status: 'watch', started: false };
      } catch (error) {
        log.error({ ...where, err: error }, 'admin command failed');
        return { status: 'unavailable' };
      }
    },
  };
}
