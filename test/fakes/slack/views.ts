/**
 * Modals: the trigger ids Slack hands out with every interaction, `views.open` exchanging one for a modal,
 * `views.update`, and the `view_submission` payload Slack sends when the user submits the modal.
 * https://docs.slack.dev/surfaces/modals, https://docs.slack.dev/reference/methods/views.open,
 * https://docs.slack.dev/reference/methods/views.update,
 * https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
 */
import { z } from 'zod';
import {
  checkModal,
  type InputField,
  type ModalDefinition,
  optionsOf,
  type SelectOption,
} from './block-kit.ts';
import { DEFAULT_USER, newHash, newTriggerId, slackId, type Workspace } from './workspace.ts';

/** A trigger id can be exchanged once, within 3 seconds of the interaction that carried it. */
export const TRIGGER_ID_TTL_MS = 3_000;

/** Slack refuses a view bigger than 250 kB with `view_too_large`. */
const VIEW_MAX_BYTES = 250_000;

/** Slack's own example is `132456.7890123.abcdef`; anything else is refused before it is looked up. */
const TRIGGER_SHAPE = /^\d+\.\d+\.[0-9a-f]+$/;

/** A modal as Slack holds it and answers it: the app's definition plus Slack's id, state and hash. */
export interface SlackView extends ModalDefinition {
  readonly id: string;
  readonly team_id: string;
  readonly state: { readonly values: Readonly<Record<string, Readonly<Record<string, InputState>>>> };
  readonly hash: string;
  readonly root_view_id: string;
  readonly previous_view_id: null;
  readonly app_id: string;
  readonly app_installed_team_id: string;
  readonly bot_id: string;
}

/** What a submission carries for one input (`state.values[block_id][action_id]`). */
export type InputState =
  | { readonly type: 'plain_text_input'; readonly value: string | null }
  | { readonly type: 'static_select'; readonly selected_option: SelectOption | null };

export interface OpenedView {
  readonly id: string;
  readonly triggerId: string;
  /** Whom the trigger was issued for (`triggerId(user)`), if the test said. */
  readonly user: string | undefined;
  readonly at: number;
  /** The view as `views.open` answered it. */
  readonly view: SlackView;
}

export interface ViewUpdate {
  readonly id: string;
  readonly at: number;
  /** The `hash` the call carried, if any (a stale one is refused with `hash_conflict` and not recorded). */
  readonly hash: string | undefined;
  /** The view as `views.update` answered it. */
  readonly view: SlackView;
}

/** `values[block_id][action_id]`: the text typed, or the `value` of the option picked. */
export type SubmittedValues = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface SlackUserRef {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly team_id: string;
}

/** A type, not an interface, so that it passes as the `Record<string, unknown>` `sendEnvelope` takes. */
export type ViewSubmissionPayload = {
  readonly type: 'view_submission';
  readonly team: { readonly id: string; readonly domain: string };
  readonly user: SlackUserRef;
  readonly api_app_id: string;
  readonly token: string;
  readonly trigger_id: string;
  readonly view: SlackView;
  readonly response_urls: readonly never[];
  readonly is_enterprise_install: false;
  readonly enterprise: null;
};

type Reply = Record<string, unknown>;

const invalidArguments = (messages: readonly string[]): Reply => ({
  ok: false,
  error: 'invalid_arguments',
  response_metadata: { messages },
});

const OpenArgs = z.object({ trigger_id: z.string().optional(), view: z.unknown().optional() });
const UpdateArgs = z.object({
  view_id: z.string().optional(),
  external_id: z.string().optional(),
  hash: z.string().optional(),
  view: z.unknown().optional(),
});

interface Trigger {
  readonly issuedAt: number;
  readonly user: string | undefined;
  expired: boolean;
  exchanged: boolean;
}

interface Held {
  view: SlackView;
  inputs: readonly InputField[];
  readonly user: string | undefined;
}

/** Slack's verification token field, deprecated but still sent; test/support/slack.ts sends the same. */
const VERIFICATION_TOKEN = 'deprecated-verification-token';

export function createViewStore(workspace: Workspace, userRef: (id: string) => SlackUserRef) {
  const triggers = new Map<string, Trigger>();
  const held = new Map<string, Held>();
  const opened: OpenedView[] = [];
  const updates: ViewUpdate[] = [];

  const issueTrigger = (user?: string): string => {
    const id = newTriggerId();
    triggers.set(id, { issuedAt: Date.now(), user, expired: false, exchanged: false });
    return id;
  };

  const byExternalId = (externalId: string) =>
    [...held.values()].find((h) => h.view.external_id !== '' && h.view.external_id === externalId);

  const checkView = (
    view: unknown,
  ): { refusal: Reply } | { refusal: undefined; modal: ModalDefinition; inputs: readonly InputField[] } => {
    if (view === undefined) return { refusal: invalidArguments(['[ERROR] missing required field: view']) };
    if (Buffer.byteLength(JSON.stringify(view)) > VIEW_MAX_BYTES)
      return { refusal: { ok: false, error: 'view_too_large' } };
    const checked = checkModal(view);
    return checked.ok ? { refusal: undefined, ...checked } : { refusal: invalidArguments(checked.messages) };
  };

  const asView = (id: string, modal: ModalDefinition): SlackView => ({
    ...modal,
    id,
    team_id: workspace.teamId,
    state: { values: {} },
    hash: newHash(),
    root_view_id: id,
    previous_view_id: null,
    app_id: workspace.appId,
    app_installed_team_id: workspace.teamId,
    bot_id: workspace.botId,
  });

  return {
    opened,
    updates,
    issueTrigger,

    expireTrigger(triggerId: string): void {
      const trigger = triggers.get(triggerId);
      if (trigger === undefined) throw new Error(`the fake Slack never issued trigger_id ${triggerId}`);
      trigger.expired = true;
    },

    latest: (viewId: string): SlackView | undefined => held.get(viewId)?.view,

    /**
     * The trigger is checked before the view: Slack's docs give a bad trigger as the error "before getting to
     * any possible validation errors".
     */
    open(body: Record<string, unknown>): Reply {
      const args = OpenArgs.safeParse(body);
      if (!args.success || args.data.trigger_id === undefined)
        return invalidArguments(['[ERROR] missing required field: trigger_id']);
      const triggerId = args.data.trigger_id;
      const trigger = TRIGGER_SHAPE.test(triggerId) ? triggers.get(triggerId) : undefined;
      if (trigger === undefined) return { ok: false, error: 'invalid_trigger_id' };
      if (trigger.exchanged) return { ok: false, error: 'exchanged_trigger_id' };
      if (trigger.expired || Date.now() - trigger.issuedAt > TRIGGER_ID_TTL_MS)
        return { ok: false, error: 'expired_trigger_id' };
      const checked = checkView(args.data.view);
      if (checked.refusal !== undefined) return checked.refusal;
      if (checked.modal.external_id !== '' && byExternalId(checked.modal.external_id))
        return { ok: false, error: 'duplicate_external_id' };
      // A refused call leaves the trigger usable: only an opened view spends it.
      trigger.exchanged = true;
      const view = asView(slackId('V'), checked.modal);
      held.set(view.id, { view, inputs: checked.inputs, user: trigger.user });
      opened.push({ id: view.id, triggerId, user: trigger.user, at: Date.now(), view });
      return { ok: true, view };
    },

    update(body: Record<string, unknown>): Reply {
      const args = UpdateArgs.safeParse(body);
      if (!args.success || (args.data.view_id === undefined && args.data.external_id === undefined))
        return invalidArguments(['[ERROR] either view_id or external_id is required']);
      const { view_id, external_id, hash } = args.data;
      const target = view_id !== undefined ? held.get(view_id) : byExternalId(external_id ?? '');
      if (target === undefined) return { ok: false, error: 'not_found' };
      if (hash !== undefined && hash !== target.view.hash) return { ok: false, error: 'hash_conflict' };
      const checked = checkView(args.data.view);
      if (checked.refusal !== undefined) return checked.refusal;
      const externalId = checked.modal.external_id || target.view.external_id;
      const other = byExternalId(externalId);
      if (other !== undefined && other !== target) return { ok: false, error: 'duplicate_external_id' };
      const view = asView(target.view.id, { ...checked.modal, external_id: externalId });
      target.view = view;
      target.inputs = checked.inputs;
      updates.push({ id: view.id, at: Date.now(), hash, view });
      return { ok: true, view };
    },

    /**
     * The payload Slack sends when the user submits the view as it now stands. Throws for what Slack's
     * client would never send: an unknown view, block or action, an empty required input, text outside
     * `min_length`/`max_length`, an option the menu does not have.
     */
    submission(viewId: string, values: SubmittedValues, user?: string): ViewSubmissionPayload {
      const target = held.get(viewId);
      if (target === undefined) throw new Error(`views.open never opened view ${viewId}`);
      for (const [blockId, actions] of Object.entries(values)) {
        for (const actionId of Object.keys(actions)) {
          if (!target.inputs.some((i) => i.blockId === blockId && i.actionId === actionId))
            throw new Error(`view ${viewId} has no input with block_id ${blockId} and action_id ${actionId}`);
        }
      }
      const state: Record<string, Record<string, InputState>> = {};
      for (const input of target.inputs) {
        const given = values[input.blockId]?.[input.actionId];
        const where = `${input.blockId}/${input.actionId}`;
        let entry: InputState;
        if (input.element.type === 'plain_text_input') {
          const { initial_value, min_length, max_length } = input.element;
          // An untouched input submits its initial value; an empty one arrives as null.
          const value = (given ?? initial_value) || null;
          if (value !== null && max_length !== undefined && value.length > max_length)
            throw new Error(`Slack does not submit ${where}: longer than max_length ${max_length}`);
          if (value !== null && min_length !== undefined && value.length < min_length)
            throw new Error(`Slack does not submit ${where}: shorter than min_length ${min_length}`);
          entry = { type: 'plain_text_input', value };
        } else {
          const picked =
            given === undefined ? undefined : optionsOf(input.element).find((o) => o.value === given);
          if (given !== undefined && picked === undefined)
            throw new Error(`the menu ${where} has no option with value ${given}`);
          entry = { type: 'static_select', selected_option: picked ?? input.element.initial_option ?? null };
        }
        const empty =
          entry.type === 'plain_text_input' ? entry.value === null : entry.selected_option === null;
        if (empty && !input.optional)
          throw new Error(`Slack does not submit ${where}: the input is required`);
        state[input.blockId] = { ...state[input.blockId], [input.actionId]: entry };
      }
      const submitter = user ?? target.user ?? DEFAULT_USER;
      return {
        type: 'view_submission',
        team: { id: workspace.teamId, domain: workspace.teamDomain },
        user: userRef(submitter),
        api_app_id: workspace.appId,
        token: VERIFICATION_TOKEN,
        trigger_id: issueTrigger(submitter),
        view: { ...target.view, state: { values: state } },
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      };
    },
  };
}

export type ViewStore = ReturnType<typeof createViewStore>;
