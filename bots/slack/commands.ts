/**
 * What Slack users type and click: `/mood <text> [size:N] [private]`, `/mood-admin …` and the playlist
 * buttons. Slack has no typed command options, so the options are words; parsing returns a result instead of
 * throwing.
 */
import { moodProblem, parseMood } from '../../core/mood-text.ts';
import type { AdminCommand } from '../../workers/admin-admission.ts';
import { MOOD_SIZE } from '../../workers/admission.ts';
import type { DailyCommand } from '../../workers/daily-admission.ts';
import type { PlaylistControl } from '../../workers/playlist-context.ts';

export type MoodCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'mood'; readonly mood: string; readonly size: number; readonly ephemeral: boolean };

export const HELP = [
  '*Sonic Mood* turns a mood into a playlist with Spotify links.',
  '`/mood rainy sunday, nostalgic but hopeful` — a playlist in the channel',
  `\`/mood late night drive size:15\` — ${MOOD_SIZE.min} to ${MOOD_SIZE.max} songs (default ${MOOD_SIZE.default})`,
  '`/mood first coffee private` — only you see it',
].join('\n');

/**
 * Options are read from the end only, so "a private little party" stays a mood while
 * "a little party size:8 private" asks for 8 songs, privately.
 */
export function parseMoodCommand(text: string): MoodCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && /^help$/i.test(words[0] ?? ''))) return { kind: 'help' };

  let size: number = MOOD_SIZE.default;
  let ephemeral = false;
  for (let last = words.at(-1); last !== undefined; last = words.at(-1)) {
    const sizeOption = /^size[:=](.*)$/i.exec(last);
    if (sizeOption) {
      const n = Number(sizeOption[1]);
      if (!/^\d{1,3}$/.test(sizeOption[1] ?? '') || n < MOOD_SIZE.min || n > MOOD_SIZE.max) {
        return {
          kind: 'invalid',
          message: `The size must be a whole number from ${MOOD_SIZE.min} to ${MOOD_SIZE.max}, like \`size:15\`.`,
        };
      }
      size = n;
    } else if (/^private$/i.test(last)) {
      ephemeral = true;
    } else {
      break;
    }
    words.pop();
  }

  const parsed = parseMood(words.join(' '));
  if (!parsed.ok) return { kind: 'invalid', message: moodProblem(parsed) };
  return { kind: 'mood', mood: parsed.text, size, ephemeral };
}

/**
 * The playlist's action ids. A button's `value` is the playlist context id (Slack allows 2,000 characters);
 * the swap menu's options carry `<context id>:<song id>` (150).
 */
export const ACTION_IDS: Readonly<Record<PlaylistControl, string>> = {
  take: 'sm-take',
  like: 'sm-like',
  refine: 'sm-refine',
  up: 'sm-up',
  down: 'sm-down',
  swap: 'sm-swap',
};
export const ACTION_ID_PATTERN = /^sm-(take|like|refine|up|down|swap)$/;

/** The refine modal's callback_id, and its one input's block and action ids. */
export const REFINE_VIEW = { callbackId: 'sm-refine', blockId: 'refinement', actionId: 'text' } as const;

export type PlaylistAction = {
  readonly control: PlaylistControl;
  readonly playlistId: string;
  /** The song a swap replaces. */
  readonly songId?: string;
};

export function parseButton(actionId: string, value: string | undefined): PlaylistAction | undefined {
  const control = ACTION_ID_PATTERN.exec(actionId)?.[1] as PlaylistControl | undefined;
  if (!control || !value) return undefined;
  if (control === 'swap') {
    const match = /^([\w-]{1,32}):(\d{1,19})$/.exec(value);
    return match ? { control, playlistId: match[1] ?? '', songId: match[2] ?? '' } : undefined;
  }
  return /^[\w-]{1,32}$/.test(value) ? { control, playlistId: value } : undefined;
}

/** `/mood-admin reindex [model:<name>] [dimensions:<n>] [full] | status | cancel`, or help, or a mistake. */
export type SlackAdminCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly message: string }
  | AdminCommand;

export const ADMIN_HELP = [
  '*Sonic Mood* catalog administration:',
  '`/mood-admin status` — the running re-index, or how the last one ended',
  '`/mood-admin reindex` — embed the songs the configured model lacks, build its index, switch to it',
  '`/mood-admin reindex model:text-embedding-3-small dimensions:512` — index another embedding model beside the live one',
  '`/mood-admin reindex full` — re-embed every song',
  '`/mood-admin cancel` — stop the running re-index; the live index stays as it is',
  'Re-index and cancel are for Sonic Mood’s operators only.',
].join('\n');

const EMBEDDING_DIMENSIONS = { min: 1, max: 4000 } as const;

/** Words in any order after the subcommand; an unknown word is an error rather than silently ignored. */
export function parseAdminCommand(text: string): SlackAdminCommand {
  const [sub, ...options] = text.trim().split(/\s+/).filter(Boolean);
  const subcommand = sub?.toLowerCase();
  if (subcommand === undefined || subcommand === 'help') return { kind: 'help' };
  if (subcommand === 'status' || subcommand === 'cancel') {
    return options.length === 0
      ? { kind: subcommand }
      : { kind: 'invalid', message: `\`/mood-admin ${subcommand}\` takes no options.` };
  }
  if (subcommand !== 'reindex') {
    return {
      kind: 'invalid',
      message: 'Try `/mood-admin reindex`, `/mood-admin status` or `/mood-admin cancel`.',
    };
  }

  let model: string | undefined;
  let dimensions: number | undefined;
  let full = false;
  for (const word of options) {
    const option = /^(model|dimensions)[:=](.*)$/i.exec(word);
    const name = option?.[1]?.toLowerCase();
    const value = option?.[2] ?? '';
    if (name === 'model') {
      if (!/^[\w./:-]{1,150}$/.test(value)) {
        return { kind: 'invalid', message: 'The model is a name like `model:text-embedding-3-small`.' };
      }
      model = value;
    } else if (name === 'dimensions') {
      const n = Number(value);
      if (!/^\d{1,4}$/.test(value) || n < EMBEDDING_DIMENSIONS.min || n > EMBEDDING_DIMENSIONS.max) {
        return {
          kind: 'invalid',
          message: `The dimensions must be a whole number from ${EMBEDDING_DIMENSIONS.min} to ${EMBEDDING_DIMENSIONS.max}, like \`dimensions:1024\`.`,
        };
      }
      dimensions = n;
    } else if (/^full$/i.test(word)) {
      full = true;
    } else {
      return {
        kind: 'invalid',
        // Only characters mrkdwn reads literally are echoed back.
        message: `I don't know the option “${word.slice(0, 40).replace(/[^\w:=./-]/g, '')}”. The options are \`model:&lt;name&gt;\`, \`dimensions:&lt;n&gt;\` and \`full\`.`,
      };
    }
  }
  if (dimensions !== undefined && model === undefined) {
    return {
      kind: 'invalid',
      message: '`dimensions:` goes with a `model:`; without one, the configured model is indexed.',
    };
  }
  return { kind: 'reindex', model, dimensions, full };
}

export const DAILY_HELP = [
  '*Mood of the day* — a fresh playlist in this channel every day (workspace admins set and stop it):',
  '`/mood-daily set 08:30 Europe/Paris first coffee, slow start` — time (24-hour), optional time zone (default UTC), then the mood; `size:N` at the end for 5–25 songs',
  '`/mood-daily show` — what is set here · `/mood-daily stop` — no more daily playlists',
].join('\n');

/** `/mood-daily set <HH:MM> [<time zone>] <mood…> [size:N] | show | stop`, or help. */
export function parseDailyCommand(text: string): DailyCommand | { readonly kind: 'help' } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const sub = words.shift()?.toLowerCase();
  if (sub === 'show' || sub === 'stop') return words.length === 0 ? { kind: sub } : { kind: 'help' };
  if (sub !== 'set') return { kind: 'help' };
  const time = words.shift();
  // A zone is a word with a slash ("Europe/Paris") or UTC/GMT; anything else starts the mood.
  const timezone = words[0] && /^([A-Za-z_]+\/[\w/+-]+|UTC|GMT)$/i.test(words[0]) ? words.shift() : undefined;
  const sizeOption = words.length > 0 ? /^size[:=](\d{1,3})$/i.exec(words.at(-1) ?? '') : null;
  if (sizeOption) words.pop();
  if (!time || words.length === 0) return { kind: 'help' };
  return {
    kind: 'set',
    mood: words.join(' '),
    time,
    ...(timezone ? { timezone } : {}),
    ...(sizeOption ? { size: Number(sizeOption[1]) } : {}),
  };
}
