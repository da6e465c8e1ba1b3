/**
 * `Playlist` → a Slack message: a header with the title, a context line with the description and the timings,
 * one section per track (`<url|Song> — Artist`, then the other platforms' links), and the playlist's buttons
 * and "Swap a song…" menu, plus the plain
 * `text` fallback that notifications show. Every Block Kit limit is respected, and no user, song or model text
 * can become a link, a mention (`<!channel>`, `<@U…>`, `<#C…>`) or a mass ping (`@here`).
 */
import type { types } from '@slack/bolt';
import { PLATFORM_LABELS } from '../../core/listen-links.ts';
import { MAX_MOOD_LENGTH } from '../../core/mood-text.ts';
import { uniqueSongs } from '../../core/swap.ts';
import type { Playlist, StageTimings, Track } from '../../core/types.ts';
import { ACTION_IDS, REFINE_VIEW } from './commands.ts';

type Block = types.KnownBlock;

/** https://docs.slack.dev/reference/block-kit/blocks — the limits this renderer stays within. */
export const BLOCK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  header: 150,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  /** A select option's text and description, and its value. */
  optionText: 75,
  optionValue: 150,
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

/** A reason's most characters once escaped (120 of `&` become `&amp;`), and its newline. */
const WHY_ROOM = 120 * 5 + 1;

/** A link target Slack's `<url|label>` syntax cannot misread: http(s) only, no `|`, `<`, `>` or spaces. */
function linkTarget(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url) || url.length > 1000) return undefined;
  return url.replace(/[|<>\s"]/g, (c) => encodeURIComponent(c));
}

function trackLine(track: Track, index: number): string {
  const name = mrkdwnText(track.name, 80);
  const target = linkTarget(track.spotifyUrl);
  const link = target ? `<${target}|${name}>` : name;
  let line = `*${index + 1}.* ${link} — ${mrkdwnText(track.artist ?? 'unknown artist', 60)}`;
  // The other platforms' search pages, while the section has room: a link is never cut in half.
  for (const other of track.alsoOn ?? []) {
    const url = linkTarget(other.url);
    const more = url ? ` · <${url}|${PLATFORM_LABELS[other.platform].short}>` : '';
    if (line.length + more.length > BLOCK_LIMITS.sectionText - WHY_ROOM) break;
    line += more;
  }
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

/**
 * Another take · More like this · Refine… · 👍 · 👎, and "Swap a song…" with one option per shown track
 * (an actions block holds 25 elements, a static select 100 options).
 */
export function playlistButtons(playlistId: string, tracks: readonly Track[] = []): Block {
  const value = playlistId.slice(0, BLOCK_LIMITS.buttonValue);
  const button = (label: string, actionId: string, primary = false) => ({
    type: 'button' as const,
    text: { type: 'plain_text' as const, text: clip(label, BLOCK_LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value,
    ...(primary ? { style: 'primary' as const } : {}),
  });
  const swap = {
    type: 'static_select' as const,
    action_id: ACTION_IDS.swap,
    placeholder: { type: 'plain_text' as const, text: 'Swap a song…' },
    options: uniqueSongs(tracks).map(({ track: t, index: i }) => ({
      text: {
        type: 'plain_text' as const,
        text: plainText(`${i + 1}. ${t.name}`, BLOCK_LIMITS.optionText) || `${i + 1}.`,
      },
      ...(t.artist
        ? {
            description: {
              type: 'plain_text' as const,
              text: plainText(t.artist, BLOCK_LIMITS.optionText) || '–',
            },
          }
        : {}),
      value: `${playlistId}:${t.songId}`.slice(0, BLOCK_LIMITS.optionValue),
    })),
  };
  return {
    type: 'actions',
    elements: [
      button('Another take', ACTION_IDS.take, true),
      button('More like this', ACTION_IDS.like),
      button('Refine…', ACTION_IDS.refine),
      button('👍', ACTION_IDS.up),
      button('👎', ACTION_IDS.down),
      ...(tracks.length > 0 ? [swap] : []),
    ],
  };
}

/** The "Refine…" modal; `metadata` says which playlist it refines and where to answer (≤ 3,000 characters). */
export function refineView(metadata: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: REFINE_VIEW.callbackId,
    title: { type: 'plain_text', text: 'Refine this playlist' },
    submit: { type: 'plain_text', text: 'Refine' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: metadata,
    blocks: [
      {
        type: 'input',
        block_id: REFINE_VIEW.blockId,
        label: { type: 'plain_text', text: 'What should change?' },
        element: {
          type: 'plain_text_input',
          action_id: REFINE_VIEW.actionId,
          placeholder: { type: 'plain_text', text: 'e.g. less upbeat, no rap, more 90s, without Drake' },
          min_length: 1,
          max_length: MAX_MOOD_LENGTH,
        },
      },
    ],
  };
}

export function playlistMessage(playlist: Playlist, playlistId: string): SlackMessage {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: plainText(playlist.title, BLOCK_LIMITS.header) } },
    {
      type: 'context',
      elements: [
        // What the playlist holds and what the catalog could not supply (request-plan.ts).
        { type: 'plain_text', text: plainText(playlist.description, 400) },
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
  blocks.push(playlistButtons(playlistId, tracks));

  const text = `${mrkdwnText(playlist.title, 150)} — ${tracks.length} songs for “${mrkdwnText(playlist.mood, 300)}”`;
  return { text: clip(text, BLOCK_LIMITS.fallbackText), blocks };
}

export function failureMessage(message: string): SlackMessage {
  return { text: mrkdwnText(message, BLOCK_LIMITS.fallbackText) };
}
