/**
 * Turns raw user input into mood text the pipeline can trust: control and zero-width characters gone,
 * chat mention syntax and links removed (they mean nothing to a model, a title must not be made of "https" or
 * "everyone", and neither may be echoed back as a ping or a link), whitespace collapsed, length bounded.
 * Returns a result instead of throwing, so callers can answer nicely.
 */
export const MAX_MOOD_LENGTH = 200;

export type MoodParse =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: 'empty' }
  | { readonly ok: false; readonly reason: 'tooLong'; readonly length: number; readonly max: number };

export function parseMood(raw: string, max = MAX_MOOD_LENGTH): MoodParse {
  const text = raw
    .normalize('NFC')
    // Discord <@123>, <@!123>, <@&123>, <#123>, </cmd:1>; Slack <!channel>, <!here>, <@U123>, <#C1|x>
    .replace(/<[@#!/][^>\s]{0,100}>/g, ' ')
    // Links: Slack's <https://…|label> keeps its label, markdown's [label](https://…) too; bare URLs go.
    .replace(/<(?:https?:\/\/|mailto:)[^>|\s]*(?:\|([^>]*))?>/gi, ' $1 ')
    .replace(/\[([^\]]*)\]\(\s*(?:https?:\/\/|www\.)[^)]*\)/gi, ' $1 ')
    .replace(/\b(?:https?:\/\/|www\.)\S*/gi, ' ')
    .replace(/@(everyone|here|channel)\b/gi, ' ')
    // Controls, zero-width and bidi overrides: invisible, and can disguise text.
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length === 0) return { ok: false, reason: 'empty' };
  const length = [...text].length;
  if (length > max) return { ok: false, reason: 'tooLong', length, max };
  return { ok: true, text };
}

/** What to tell a user whose mood could not be used. */
export function moodProblem(parse: Extract<MoodParse, { ok: false }>): string {
  return parse.reason === 'empty'
    ? 'Tell me a mood or a vibe, for example “rainy sunday, nostalgic but hopeful”.'
    : `Please keep the mood under ${parse.max} characters (yours has ${parse.length}).`;
}
