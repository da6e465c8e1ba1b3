/** How a worker answers on a platform; the bots implement it, the worker process hands them in. */
import type { Playlist } from '../core/types.ts';
import type { Platform, ReplyTarget } from './jobs.ts';

export interface Delivery {
  readonly playlist: Playlist;
  /** Key of the stored playlist context, for the "Another take" / "More like this" buttons. */
  readonly playlistId: string;
}

export interface Responder<T extends ReplyTarget = ReplyTarget> {
  /** The last moment (epoch ms) a reply to this target can still be posted. */
  deadline(target: T, requestedAt: number): number;
  deliver(target: T, delivery: Delivery): Promise<void>;
  /** A friendly, final error message in place of the playlist. */
  fail(target: T, message: string): Promise<void>;
}

export type Responders = {
  readonly [P in Platform]?: Responder<Extract<ReplyTarget, { platform: P }>>;
};
