/**
 * What Slack users type and click: `/mood <text> [size:N] [private]` and the playlist buttons. Slack has no
 * typed command options, so the options are trailing words; parsing returns a result instead of throwing.
 */
import { moodProblem, parseMood } from '../../core/mood-text.ts';

export const MOOD_SIZE = { min: 5, max: 25, default: 10 } as const;

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

/** Button action ids; each button's `value` is the playlist context id (Slack allows 2,000 characters). */
export const ACTION_IDS = { take: 'sm-take', like: 'sm-like' } as const;
export type ButtonAction = keyof typeof ACTION_IDS;
export const ACTION_ID_PATTERN = /^sm-(take|like)$/;

export function parseButton(
  actionId: string,
  value: string | undefined,
): { action: ButtonAction; playlistId: string } | undefined {
  const action = ACTION_ID_PATTERN.exec(actionId)?.[1];
  if ((action !== 'take' && action !== 'like') || !value || !/^[\w-]{1,32}$/.test(value)) return undefined;
  return { action, playlistId: value };
}
