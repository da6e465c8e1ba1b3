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

/**
 * Posts a playlist as a new message in a channel with the bot's own credentials (the mood of the day has no
 * interaction to answer). Rejects as `Responder.deliver` does; with {@link ChannelLost} when the bot can no
 * longer post there at all.
 */
export interface ChannelPoster {
  post(channelId: string, delivery: Delivery): Promise<void>;
}

export type ChannelPosters = { readonly [P in Platform]?: ChannelPoster };

/** The channel is gone for the bot (deleted, archived, access removed): no retry, no later day, can post. */
export class ChannelLost extends ReplyRefused {
  constructor(
    /** What to tell people, e.g. "I lost access to this channel". */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, true, options);
    this.name = 'ChannelLost';
  }
}
