/**
 * The messages the fake Slack holds: what `chat.postMessage` and `chat.postEphemeral` posted, what a test
 * says a person wrote, each in its latest version after `chat.update` and response_url replacements.
 * https://docs.slack.dev/reference/methods/chat.update,
 * https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
 */
import { z } from 'zod';
import { optionsOf } from './block-kit.ts';
import type { SlackUserRef } from './views.ts';
import { DEFAULT_USER, type Workspace } from './workspace.ts';

/** Where a message is: Slack addresses a message by its channel and `ts`. */
export interface MessageRef {
  readonly channel: string;
  readonly ts: string;
}

export interface StoredMessage extends MessageRef {
  /** The author: the bot user for what the bot token posted. */
  readonly user: string;
  readonly botId: string | undefined;
  readonly text: string;
  readonly blocks: readonly unknown[];
  readonly ephemeral: boolean;
  /** For an ephemeral message, the one user who sees it. */
  readonly visibleTo: string | undefined;
  readonly threadTs: string | undefined;
  /** How many times `chat.update` or a response_url replaced it. */
  readonly edits: number;
}

export interface MessageChange extends MessageRef {
  readonly kind: 'update' | 'delete';
  readonly via: 'chat.update' | 'response_url';
  /** The message after the change; undefined for a deletion. */
  readonly message: StoredMessage | undefined;
  readonly at: number;
}

export interface BlockAction {
  readonly type: string;
  readonly action_id: string;
  readonly block_id: string;
  readonly action_ts: string;
  readonly [field: string]: unknown;
}

/**
 * https://docs.slack.dev/reference/interaction-payloads/block_actions-payload. A type, not an interface, so that
 * it passes as the `Record<string, unknown>` `sendEnvelope` takes.
 */
export type BlockActionsPayload = {
  readonly type: 'block_actions';
  readonly user: SlackUserRef;
  readonly api_app_id: string;
  readonly token: string;
  readonly container: {
    readonly type: 'message';
    readonly message_ts: string;
    readonly channel_id: string;
    readonly is_ephemeral: boolean;
  };
  readonly trigger_id: string;
  readonly team: { readonly id: string; readonly domain: string };
  readonly enterprise: null;
  readonly is_enterprise_install: false;
  readonly channel: { readonly id: string; readonly name: string };
  /** Absent for an ephemeral message, as on Slack. */
  readonly message?: Readonly<Record<string, unknown>>;
  readonly state: { readonly values: Readonly<Record<string, never>> };
  readonly response_url: string;
  readonly actions: readonly BlockAction[];
};

type Reply = Record<string, unknown>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const Blocks = z.array(z.unknown()).optional();

const PostArgs = z.object({
  channel: z.string().optional(),
  user: z.string().optional(),
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  thread_ts: z.string().optional(),
});

const UpdateArgs = z.object({
  channel: z.string().optional(),
  ts: z.string().optional(),
  text: z.string().optional(),
  blocks: z.unknown().optional(),
});

/** Slack takes `true` or the string "true" (form posts) for the response_url flags. */
const Flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');
const HookBody = z.looseObject({
  text: z.string().optional(),
  blocks: z.array(z.unknown()).optional(),
  replace_original: Flag.optional(),
  delete_original: Flag.optional(),
});

const Element = z.looseObject({ type: z.string(), action_id: z.string().optional() });
const MessageBlock = z.looseObject({
  type: z.string(),
  block_id: z.string().optional(),
  elements: z.array(z.unknown()).optional(),
  accessory: z.unknown().optional(),
  element: z.unknown().optional(),
});
const LooseOption = z.looseObject({
  text: z.looseObject({ type: z.string(), text: z.string() }),
  value: z.string(),
});
const LooseSelect = z.looseObject({
  options: z.array(LooseOption).optional(),
  option_groups: z.array(z.object({ options: z.array(LooseOption) })).optional(),
});

const isUserId = (channel: string) => /^[UW]/.test(channel);

export interface MessageStoreDeps {
  readonly workspace: Workspace;
  readonly nextTs: () => string;
  /** The error a channel refuses the bot's posts with, if a test scripted one. */
  readonly refusal: (channel: string) => string | undefined;
  readonly userRef: (id: string) => SlackUserRef;
  readonly issueTrigger: (user: string) => string;
  readonly responseUrlFor: (message: MessageRef) => string;
}

export function createMessageStore(deps: MessageStoreDeps) {
  const { workspace } = deps;
  const messages = new Map<string, Mutable<StoredMessage>>();
  const changes: MessageChange[] = [];
  const key = (channel: string, ts: string) => `${channel} ${ts}`;
  const snapshot = (m: Mutable<StoredMessage>): StoredMessage => ({ ...m, blocks: [...m.blocks] });

  const store = (message: Omit<StoredMessage, 'ts' | 'edits'>): StoredMessage => {
    const stored = { ...message, ts: deps.nextTs(), edits: 0 };
    messages.set(key(stored.channel, stored.ts), stored);
    return snapshot(stored);
  };

  const change = (
    m: Mutable<StoredMessage>,
    via: MessageChange['via'],
    next: { text?: string | undefined; blocks?: readonly unknown[] | undefined } | 'delete',
  ) => {
    if (next === 'delete') {
      messages.delete(key(m.channel, m.ts));
      changes.push({ kind: 'delete', via, channel: m.channel, ts: m.ts, message: undefined, at: Date.now() });
      return;
    }
    if (next.text !== undefined) m.text = next.text;
    if (next.blocks !== undefined) m.blocks = [...next.blocks];
    m.edits += 1;
    changes.push({ kind: 'update', via, channel: m.channel, ts: m.ts, message: snapshot(m), at: Date.now() });
  };

  return {
    changes,

    at(channel: string, ts: string): StoredMessage | undefined {
      const m = messages.get(key(channel, ts));
      return m && snapshot(m);
    },

    in: (channel: string): StoredMessage[] =>
      [...messages.values()].filter((m) => m.channel === channel).map(snapshot),

    /** A message a person wrote, which the bot can read but not edit. */
    addByUser(message: { channel: string; user: string; text: string; blocks?: readonly unknown[] }): string {
      return store({
        channel: message.channel,
        user: message.user,
        botId: undefined,
        text: message.text,
        blocks: message.blocks ?? [],
        ephemeral: false,
        visibleTo: undefined,
        threadTs: undefined,
      }).ts;
    },

    post(method: 'chat.postMessage' | 'chat.postEphemeral', body: Record<string, unknown>): Reply {
      const args = PostArgs.safeParse(body);
      if (!args.success) return { ok: false, error: 'invalid_arguments' };
      const { channel, user, text, thread_ts } = args.data;
      const blocks = Blocks.safeParse(args.data.blocks).data;
      if (args.data.blocks !== undefined && blocks === undefined)
        return { ok: false, error: 'invalid_blocks' };
      if (channel === undefined) return { ok: false, error: 'channel_not_found' };
      const refused = deps.refusal(channel);
      if (refused !== undefined) return { ok: false, error: refused };
      if (method === 'chat.postEphemeral' && user === undefined)
        return { ok: false, error: 'user_not_in_channel' };
      if (text === undefined && blocks === undefined) return { ok: false, error: 'no_text' };
      const ephemeral = method === 'chat.postEphemeral';
      const posted = store({
        // A user id as chat.postMessage's channel is the app's direct message with that user.
        channel: !ephemeral && isUserId(channel) ? `D${channel.slice(1)}` : channel,
        user: workspace.botUserId,
        botId: workspace.botId,
        text: text ?? '',
        blocks: blocks ?? [],
        ephemeral,
        visibleTo: ephemeral ? user : undefined,
        threadTs: thread_ts,
      });
      return ephemeral
        ? { ok: true, message_ts: posted.ts }
        : {
            ok: true,
            channel: posted.channel,
            ts: posted.ts,
            message: {
              type: 'message',
              user: posted.user,
              bot_id: posted.botId,
              text,
              blocks,
              ts: posted.ts,
              team: workspace.teamId,
            },
          };
    },

    /**
     * chat.update: only the bot's own messages (`cant_update_message`), never an ephemeral one (Slack cannot
     * find those: `message_not_found`). As documented, blocks not sent are kept and `blocks: []` removes them.
     */
    update(body: Record<string, unknown>): Reply {
      const args = UpdateArgs.safeParse(body);
      if (!args.success) return { ok: false, error: 'invalid_arguments' };
      const { channel, ts, text } = args.data;
      const blocks = Blocks.safeParse(args.data.blocks).data;
      if (args.data.blocks !== undefined && blocks === undefined)
        return { ok: false, error: 'invalid_blocks' };
      // "For direct messages, ensure that this value is a DM ID (starts with D) instead of a User ID".
      if (channel === undefined || isUserId(channel)) return { ok: false, error: 'channel_not_found' };
      const m = ts === undefined ? undefined : messages.get(key(channel, ts));
      if (m === undefined || m.ephemeral) return { ok: false, error: 'message_not_found' };
      if (m.user !== workspace.botUserId) return { ok: false, error: 'cant_update_message' };
      if (text === undefined && blocks === undefined) return { ok: false, error: 'no_text' };
      change(m, 'chat.update', { text, blocks });
      return {
        ok: true,
        channel: m.channel,
        ts: m.ts,
        text: m.text,
        message: { type: 'message', user: m.user, bot_id: m.botId, text: m.text, blocks: m.blocks, ts: m.ts },
      };
    },

    exists: (message: MessageRef) => messages.has(key(message.channel, message.ts)),

    /**
     * A response_url post that Slack took: `delete_original` deletes the message the interaction came from,
     * `replace_original` replaces it whole (what the post does not carry, it no longer has).
     */
    fromResponseUrl(message: MessageRef, body: unknown): void {
      const m = messages.get(key(message.channel, message.ts));
      const hook = HookBody.safeParse(body);
      if (m === undefined || !hook.success) return;
      if (hook.data.delete_original) change(m, 'response_url', 'delete');
      else if (hook.data.replace_original)
        change(m, 'response_url', { text: hook.data.text ?? '', blocks: hook.data.blocks ?? [] });
    },

    /**
     * The `block_actions` payload Slack sends when `user` clicks the button or picks `value` in the select
     * menu with this `action_id` in a stored message, with a fresh trigger_id and a response_url bound to the
     * message. Throws when the message has no such element or the menu no such option.
     */
    blockAction(
      ref: MessageRef,
      actionId: string,
      options: { readonly value?: string; readonly user?: string } = {},
    ): BlockActionsPayload {
      const m = messages.get(key(ref.channel, ref.ts));
      if (m === undefined) throw new Error(`no message ${ref.ts} in ${ref.channel}`);
      if (m.ephemeral && options.user !== undefined && options.user !== m.visibleTo)
        throw new Error(`only ${m.visibleTo} sees the ephemeral message ${ref.ts}`);
      const found = findElement(m.blocks, actionId);
      if (found === undefined) throw new Error(`message ${ref.ts} has no element with action_id ${actionId}`);
      const { element, blockId } = found;
      const action: Mutable<BlockAction> = {
        type: element.type,
        action_id: actionId,
        block_id: blockId,
        action_ts: (Date.now() / 1000).toFixed(6),
      };
      if (element.type === 'button') {
        Object.assign(action, { text: element.text, value: element.value, style: element.style });
      } else if (element.type === 'static_select') {
        const menu = LooseSelect.parse(element);
        const picked = optionsOf(menu).find((o) => o.value === options.value);
        if (picked === undefined)
          throw new Error(`the menu ${actionId} has no option with value ${options.value}`);
        Object.assign(action, { selected_option: picked, placeholder: element.placeholder });
      } else {
        throw new Error(`block_actions for a ${element.type} are not modelled by the fake Slack`);
      }
      const user = options.user ?? m.visibleTo ?? DEFAULT_USER;
      return {
        type: 'block_actions',
        user: deps.userRef(user),
        api_app_id: workspace.appId,
        token: 'deprecated-verification-token',
        container: { type: 'message', message_ts: m.ts, channel_id: m.channel, is_ephemeral: m.ephemeral },
        trigger_id: deps.issueTrigger(user),
        team: { id: workspace.teamId, domain: workspace.teamDomain },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: m.channel, name: m.channel.toLowerCase() },
        ...(m.ephemeral
          ? {}
          : {
              message: {
                type: 'message',
                user: m.user,
                bot_id: m.botId,
                text: m.text,
                blocks: m.blocks,
                ts: m.ts,
                team: workspace.teamId,
              },
            }),
        state: { values: {} },
        response_url: deps.responseUrlFor(m),
        actions: [action],
      };
    },
  };
}

/** The interactive element with this action_id: in an actions block, a section's accessory, an input. */
function findElement(
  blocks: readonly unknown[],
  actionId: string,
): { element: z.infer<typeof Element>; blockId: string } | undefined {
  for (const raw of blocks) {
    const block = MessageBlock.safeParse(raw);
    if (!block.success) continue;
    const candidates = [...(block.data.elements ?? []), block.data.accessory, block.data.element];
    for (const candidate of candidates) {
      const element = Element.safeParse(candidate);
      // Slack gives a block without a block_id one of its own; the fake makes one up per payload.
      if (element.success && element.data.action_id === actionId)
        return {
          element: element.data,
          blockId: block.data.block_id ?? `b${Math.random().toString(36).slice(2, 6)}`,
        };
    }
  }
  return undefined;
}

export type MessageStore = ReturnType<typeof createMessageStore>;
