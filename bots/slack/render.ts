/**
 * `Playlist` → a Slack message: a header with the title, a context line with the mood and the timings, one
 * section per track (`<url|Song> — Artist`), and the "Another take" / "More like this" buttons, plus the plain
 * `text` fallback that notifications show. Every Block Kit limit is respected, and no user, song or model text
 * can become a link, a mention (`<!channel>`, `<@U…>`, `<#C…>`) or a mass ping (`@here`).
 */
import type { types } from '@slack/bolt';
import type { Playlist, StageTimings, Track } from '../../core/types.ts';
import { ACTION_IDS } from './commands.ts';

type Block = types.KnownBlock;

/** https://docs.slack.dev/reference/block-kit/blocks — the limits this renderer stays within. */
export const BLOCK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  header: 150,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  /** Not a Slack limit: notifications show only the start of the fallback text. */
  fallbackText: 3000,
} as const;

export interface SlackMessage {
  /** mrkdwn fallback for notifications and clients that cannot show blocks. */
  readonly text: string;
  readonly blocks?: Block[];
}

/** Controls, zero-width and bidi characters: invisible, and a newline would break a track line. */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

function clean(text: string): string {
  return text.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
}

/** Cuts to `max` UTF-16 units (what Slack counts), never through a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** `@here` and friends only ping with `link_names`, which we never set; a word joiner keeps it that way. */
function defuseMassMentions(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/**
 * Slack's three control characters in mrkdwn are `&`, `<` and `>`: escaped, no `<!channel>`, `<@U…>`, `<#C…>`
 * or `<url|label>` can be formed. The other mrkdwn marks (`*`, `_`, `~`) only change emphasis.
 */
export function escapeMrkdwn(text: string): string {
  return defuseMassMentions(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** Untrusted text for a mrkdwn field: cleaned, cut to `max` characters before escaping, escaped. */
export function mrkdwnText(raw: string, max: number): string {
  return escapeMrkdwn(clip(clean(raw), max));
}

/**
 * Untrusted text for a `plain_text` field. Slack does not parse plain_text, so entities would show literally;
 * angle brackets become look-alikes instead, so the text stays harmless wherever it is copied.
 */
export function plainText(raw: string, max: number): string {
  return clip(defuseMassMentions(clean(raw).replace(/</g, '‹').replace(/>/g, '›')), max);
}

/** A link target Slack's `<url|label>` syntax cannot misread: http(s) only, no `|`, `<`, `>` or spaces. */
function linkTarget(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url) || url.length > 1000) return undefined;
  return url.replace(/[|<>\s"]/g, (c) => encodeURIComponent(c));
}

function trackLine(track: Track, index: number): string {
  const name = mrkdwnText(track.name, 80);
  const target = linkTarget(track.spotifyUrl);
  const link = target ? `<${target}|${name}>` : name;
  const line = `*${index + 1}.* ${link} — ${mrkdwnText(track.artist ?? 'unknown artist', 60)}`;
  // At most 6 + 1000 + 5 × (80 + 60 + 120) + a few characters: always under the 3,000 of a section.
  return track.why ? `${line}\n${mrkdwnText(track.why, 120)}` : line;
}

const STAGES: readonly (readonly [keyof StageTimings, string])[] = [
  ['embedMood', 'embed'],
  ['hyde', 'HyDE'],
  ['search', 'search'],
  ['rerank', 'rerank'],
  ['links', 'links'],
  ['title', 'title'],
];

function timingText(playlist: Playlist): string {
  const t = playlist.timings;
  const stages = STAGES.flatMap(([key, label]) => {
    const ms = t[key];
    return ms === undefined ? [] : [`${label} ${Math.round(ms)}`];
  });
  const detail = stages.length > 0 ? ` (${stages.join(' · ')} ms)` : '';
  const { embedder, writer, links } = playlist.providers;
  return `${playlist.tracks.length} songs · ${Math.round(t.total ?? 0)} ms${detail} · ${embedder} · ${writer} · ${links}`;
}

function section(text: string): Block {
  // verbatim: Slack must not auto-link bare URLs or channel names, nor parse mentions, in our text.
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clip(text, BLOCK_LIMITS.sectionText), verbatim: true },
  };
}

export function playlistButtons(playlistId: string): Block {
  const button = (label: string, actionId: string, primary: boolean) => ({
    type: 'button' as const,
    text: { type: 'plain_text' as const, text: clip(label, BLOCK_LIMITS.buttonText) },
    action_id: actionId,
    value: playlistId.slice(0, BLOCK_LIMITS.buttonValue),
    ...(primary ? { style: 'primary' as const } : {}),
  });
  return {
    type: 'actions',
    elements: [
      button('Another take', ACTION_IDS.take, true),
      button('More like this', ACTION_IDS.like, false),
    ],
  };
}

export function playlistMessage(playlist: Playlist, playlistId: string): SlackMessage {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: plainText(playlist.title, BLOCK_LIMITS.header) } },
    {
      type: 'context',
      elements: [
        { type: 'plain_text', text: plainText(`for “${clip(clean(playlist.mood), 300)}”`, 320) },
        { type: 'plain_text', text: plainText(timingText(playlist), 300) },
      ],
    },
  ];
  // Header, context and actions take three of the 50 blocks; a longer list ends with an "…and N more" line.
  const room = BLOCK_LIMITS.blocks - blocks.length - 1;
  const tracks = playlist.tracks;
  const shown = tracks.length <= room ? tracks.length : room - 1;
  tracks.slice(0, shown).forEach((track, i) => {
    blocks.push(section(trackLine(track, i)));
  });
  if (tracks.length === 0)
    blocks.push(section('No songs matched this mood. Try describing it in other words.'));
  if (shown < tracks.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'plain_text', text: `…and ${tracks.length - shown} more` }],
    });
  }
  blocks.push(playlistButtons(playlistId));

  const text = `${mrkdwnText(playlist.title, 150)} — ${tracks.length} songs for “${mrkdwnText(playlist.mood, 300)}”`;
  return { text: clip(text, BLOCK_LIMITS.fallbackText), blocks };
}

export function failureMessage(message: string): SlackMessage {
  return { text: mrkdwnText(message, BLOCK_LIMITS.fallbackText) };
}
