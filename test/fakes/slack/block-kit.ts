/**
 * The modal views the fake Slack accepts, checked as Slack checks them before `views.open` or `views.update`
 * takes one: https://docs.slack.dev/reference/views/modal-views, the input block and the plain-text input and
 * select menu elements (https://docs.slack.dev/reference/block-kit/blocks/input-block). Slack refuses unknown
 * properties and overlong texts with `invalid_arguments` and one `[ERROR] … [json-pointer:/view/…]` line per
 * problem; so does this. Input blocks are checked fully (they are what a submission reads back); other
 * blocks only for what every block has.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Slack's documented limits (characters, or items for lists). */
export const MODAL_LIMITS = {
  title: 24,
  button: 24,
  blocks: 100,
  callbackId: 255,
  privateMetadata: 3000,
  externalId: 255,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  id: 255,
  inputLength: 3000,
  optionText: 75,
  optionValue: 150,
  options: 100,
} as const;

const plainText = (max: number) =>
  z.strictObject({
    type: z.literal('plain_text'),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  });
export type PlainText = z.infer<ReturnType<typeof plainText>>;

const Id = z.string().max(MODAL_LIMITS.id);

const PlainTextInput = z.strictObject({
  type: z.literal('plain_text_input'),
  action_id: Id.optional(),
  initial_value: z.string().optional(),
  multiline: z.boolean().optional(),
  min_length: z.int().min(0).max(MODAL_LIMITS.inputLength).optional(),
  max_length: z.int().min(1).max(MODAL_LIMITS.inputLength).optional(),
  placeholder: plainText(MODAL_LIMITS.placeholder).optional(),
  dispatch_action_config: z.looseObject({}).optional(),
  focus_on_load: z.boolean().optional(),
});

const SelectOption = z.strictObject({
  text: plainText(MODAL_LIMITS.optionText),
  value: z.string().min(1).max(MODAL_LIMITS.optionValue),
  description: plainText(MODAL_LIMITS.optionText).optional(),
});
export type SelectOption = z.infer<typeof SelectOption>;

const Options = z.array(SelectOption).min(1).max(MODAL_LIMITS.options);

/** https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#static_select */
const StaticSelect = z.strictObject({
  type: z.literal('static_select'),
  action_id: Id.optional(),
  placeholder: plainText(MODAL_LIMITS.placeholder).optional(),
  options: Options.optional(),
  option_groups: z
    .array(z.strictObject({ label: plainText(MODAL_LIMITS.optionText), options: Options }))
    .min(1)
    .max(MODAL_LIMITS.options)
    .optional(),
  initial_option: SelectOption.optional(),
  confirm: z.looseObject({}).optional(),
  focus_on_load: z.boolean().optional(),
});

const InputBlock = z.strictObject({
  type: z.literal('input'),
  label: plainText(MODAL_LIMITS.label),
  element: z.looseObject({ type: z.string() }),
  block_id: Id.optional(),
  hint: plainText(MODAL_LIMITS.hint).optional(),
  optional: z.boolean().optional(),
  dispatch_action: z.boolean().optional(),
});

const AnyBlock = z.looseObject({ type: z.string(), block_id: Id.optional() });

const Modal = z.strictObject({
  type: z.literal('modal'),
  title: plainText(MODAL_LIMITS.title),
  blocks: z.array(z.unknown()).max(MODAL_LIMITS.blocks),
  close: plainText(MODAL_LIMITS.button).optional(),
  submit: plainText(MODAL_LIMITS.button).optional(),
  private_metadata: z.string().max(MODAL_LIMITS.privateMetadata).optional(),
  callback_id: z.string().max(MODAL_LIMITS.callbackId).optional(),
  external_id: z.string().max(MODAL_LIMITS.externalId).optional(),
  clear_on_close: z.boolean().optional(),
  notify_on_close: z.boolean().optional(),
  submit_disabled: z.boolean().optional(),
});

export type TextInputElement = z.infer<typeof PlainTextInput> & { readonly action_id: string };
export type StaticSelectElement = z.infer<typeof StaticSelect> & { readonly action_id: string };

/** One input a submission carries a value for: `state.values[blockId][actionId]`. */
export interface InputField {
  readonly blockId: string;
  readonly actionId: string;
  readonly optional: boolean;
  readonly element: TextInputElement | StaticSelectElement;
}

/** A block as the view holds it: Slack fills in a `block_id` where the app gave none. */
export type ViewBlock = Readonly<Record<string, unknown>> & {
  readonly type: string;
  readonly block_id: string;
};

/** The app's modal with Slack's defaults filled in, as `views.open` answers it (without id, state, hash). */
export interface ModalDefinition {
  readonly type: 'modal';
  readonly title: PlainText;
  readonly submit?: PlainText;
  readonly close?: PlainText;
  readonly blocks: readonly ViewBlock[];
  readonly private_metadata: string;
  readonly callback_id: string;
  readonly external_id: string;
  readonly clear_on_close: boolean;
  readonly notify_on_close: boolean;
  readonly submit_disabled?: boolean;
}

export type ModalCheck =
  | { readonly ok: true; readonly modal: ModalDefinition; readonly inputs: readonly InputField[] }
  | { readonly ok: false; readonly messages: readonly string[] };

interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let here = input;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}

/** zod's issues in Slack's words (as far as Slack's are known: "must be less than 25 characters"). */
function problemsOf(error: z.ZodError, input: unknown, prefix: readonly PropertyKey[]): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    const path = [...prefix, ...issue.path];
    switch (issue.code) {
      case 'invalid_type':
        return issue.path.length > 0 && valueAt(input, issue.path) === undefined
          ? [{ path: path.slice(0, -1), message: `missing required field: ${String(path.at(-1))}` }]
          : [{ path, message: `must be of type ${issue.expected}` }];
      case 'too_big':
        return [
          {
            path,
            message:
              issue.origin === 'string'
                ? `must be less than ${Number(issue.maximum) + 1} characters`
                : issue.origin === 'array'
                  ? `no more than ${issue.maximum} items allowed`
                  : `must be no more than ${issue.maximum}`,
          },
        ];
      case 'too_small':
        return [
          {
            path,
            message:
              issue.origin === 'string'
                ? `must be more than ${Number(issue.minimum) - 1} characters`
                : issue.origin === 'array'
                  ? `must provide at least ${issue.minimum} items`
                  : `must be at least ${issue.minimum}`,
          },
        ];
      case 'invalid_value':
        return [{ path, message: `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}` }];
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({ path, message: `invalid additional property: ${key}` }));
      default:
        return [{ path, message: issue.message }];
    }
  });
}

const pointer = (path: readonly PropertyKey[]) => `/view${path.map((key) => `/${String(key)}`).join('')}`;

/** Slack makes up short ids for blocks and elements that came without one. */
const generatedId = () => randomBytes(3).toString('base64url');

/** Every option of a select menu, grouped or not. */
export function optionsOf<O>(select: {
  readonly options?: readonly O[];
  readonly option_groups?: readonly { readonly options: readonly O[] }[];
}): O[] {
  return [...(select.options ?? select.option_groups?.flatMap((group) => group.options) ?? [])];
}

function checkElement(
  element: Record<string, unknown>,
  path: readonly PropertyKey[],
  problems: Problem[],
): TextInputElement | StaticSelectElement | undefined {
  if (element.type === 'plain_text_input') {
    const parsed = PlainTextInput.safeParse(element);
    if (parsed.success) return { ...parsed.data, action_id: parsed.data.action_id ?? generatedId() };
    problems.push(...problemsOf(parsed.error, element, path));
    return undefined;
  }
  if (element.type === 'static_select') {
    const parsed = StaticSelect.safeParse(element);
    if (!parsed.success) {
      problems.push(...problemsOf(parsed.error, element, path));
      return undefined;
    }
    const select = parsed.data;
    if ((select.options === undefined) === (select.option_groups === undefined))
      problems.push({ path, message: 'must provide exactly one of options or option_groups' });
    const initial = select.initial_option;
    if (
      initial &&
      !optionsOf(select).some((o) => o.value === initial.value && o.text.text === initial.text.text)
    )
      problems.push({ path: [...path, 'initial_option'], message: 'must match one of the options' });
    return { ...select, action_id: select.action_id ?? generatedId() };
  }
  // Slack takes more element types; a test that needs one extends this fake rather than trusting a pass.
  problems.push({
    path: [...path, 'type'],
    message: `element type not modelled by the fake Slack: ${element.type}`,
  });
  return undefined;
}

/** Checks a `view` argument and fills in what Slack fills in (ids, empty strings, `false` flags). */
export function checkModal(view: unknown): ModalCheck {
  const parsed = Modal.safeParse(view);
  if (!parsed.success) return { ok: false, messages: format(problemsOf(parsed.error, view, [])) };
  const problems: Problem[] = [];
  const inputs: InputField[] = [];
  const blocks: ViewBlock[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of parsed.data.blocks.entries()) {
    const path = ['blocks', index];
    const base = AnyBlock.safeParse(raw);
    if (!base.success) {
      problems.push(...problemsOf(base.error, raw, path));
      continue;
    }
    const blockId = base.data.block_id ?? generatedId();
    if (seen.has(blockId))
      problems.push({ path: [...path, 'block_id'], message: `duplicate block_id: ${blockId}` });
    seen.add(blockId);
    if (base.data.type !== 'input') {
      blocks.push({ ...base.data, block_id: blockId });
      continue;
    }
    const input = InputBlock.safeParse(raw);
    if (!input.success) {
      problems.push(...problemsOf(input.error, raw, path));
      continue;
    }
    const element = checkElement(input.data.element, [...path, 'element'], problems);
    if (element === undefined) continue;
    inputs.push({ blockId, actionId: element.action_id, optional: input.data.optional ?? false, element });
    blocks.push({ ...input.data, block_id: blockId, element });
  }
  // https://docs.slack.dev/reference/views/modal-views: "submit is required when an input block is within
  // the blocks array".
  if (inputs.length > 0 && parsed.data.submit === undefined)
    problems.push({ path: [], message: 'must provide submit when the view has an input block' });
  if (problems.length > 0) return { ok: false, messages: format(problems) };
  const { private_metadata, callback_id, external_id, clear_on_close, notify_on_close, ...rest } =
    parsed.data;
  return {
    ok: true,
    inputs,
    modal: {
      ...rest,
      blocks,
      private_metadata: private_metadata ?? '',
      callback_id: callback_id ?? '',
      external_id: external_id ?? '',
      clear_on_close: clear_on_close ?? false,
      notify_on_close: notify_on_close ?? false,
    },
  };
}

function format(problems: readonly Problem[]): string[] {
  return problems.map((p) => `[ERROR] ${p.message} [json-pointer:${pointer(p.path)}]`);
}
