/** How a worker answers on a platform; the bots implement it, the worker process hands them in. */
import type { Platform, Playlist } from '../core/types.ts';
import type { ReplyTarget } from './jobs.ts';

export interface Delivery {
  readonly playlist: Playlist;
  /** Key of the stored playlist context, for the "Another take" / "More like this" buttons. */
  readonly playlistId: string;
}

export interface Responder<T extends ReplyTarget = ReplyTarget> {
  /** The last moment (epoch ms) a playlist for this target is still worth brewing and posting. */
  deadline(target: T, requestedAt: number): number;
  /**
   * Posts the playlist. Rejects with {@link ReplyRefused} when the platform answered and posted nothing; any
   * other rejection (a timeout, a dropped connection) leaves open whether the post landed.
   */
  deliver(target: T, delivery: Delivery): Promise<void>;
  /** A friendly, final message for the requester only, in place of the playlist. Rejects as `deliver` does. */
  fail(target: T, message: string): Promise<void>;
  /**
   * True when posting this target's reply again would add a second message instead of replacing the first
   * (a public Slack playlist is a new channel message; Discord edits the one deferred reply). The worker then
   * never posts again after an attempt whose outcome it does not know. Absent: posting again replaces.
   */
  repostDuplicates?(target: T): boolean;
}

export type Responders = {
  readonly [P in Platform]?: Responder<Extract<ReplyTarget, { platform: P }>>;
};

/**
 * The platform answered and did not post the reply, so trying again cannot make a duplicate. `permanent`: no
 * retry can post it either (an expired interaction token, a channel the bot may not post in); the responder
 * has already told the requester whatever it could.
 */
export class ReplyRefused extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReplyRefused';
  }
}
