/**
 * `Playlist` → a Discord message: one embed (title, the description, numbered tracks as Spotify links and
 * the other platforms' search pages, timings), the playlist's buttons and its "Swap a song…" menu. Every embed limit is respected, song and mood text is
 * escaped, and `allowed_mentions` is empty so nothing in it can ping anyone.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
  type APIStringSelectComponent,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  type RESTPatchAPIWebhookWithTokenMessageJSONBody,
  TextInputStyle,
} from 'discord.js';
import {
  isSpotifySearchUrl,
  PLATFORM_LABELS,
  searchLink,
  spotifySearchUrl,
} from '../../core/listen-links.ts';
import { MAX_MOOD_LENGTH } from '../../core/mood-text.ts';
import { ellipsize } from '../../core/normalize.ts';
import { uniqueSongs } from '../../core/swap.ts';
import type { Playlist, Track } from '../../core/types.ts';
import { buttonId, REFINE_INPUT_ID } from './commands.ts';
import type { PrivateMessage } from './private-reply.ts';

/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_LIMITS = { title: 256, description: 4096, footer: 2048, total: 6000 } as const;
const BRAND_COLOR = 0x1db954;

/** Escapes markdown and link syntax, and defuses mass mentions even where they would not ping. */
export function escapeText(text: string, max: number): string {
  return escapeMarkdown(ellipsize(text, max))
    .replace(/[[\]()]/g, '\\$&')
    .replace(/@(everyone|here)/gi, '@\u200b$1')
    .replace(/<([@#][!&]?\d+|:\w+:\d+|\/[\w -]+:\d+)>/g, '<\u200b$1>');
}

/** Markdown link targets end at ")", which encodeURIComponent leaves alone. */
function linkTarget(url: string): string {
  return url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\s/g, '%20');
}

/** Name and artist lengths a line tries, longest first: the first is a line with room to spare. */
const CUTS: readonly (readonly [number, number])[] = [
  [80, 60],
  [60, 40],
  [40, 28],
  [28, 18],
  [18, 12],
  [10, 8],
];

/**
 * One track line with its name and artist cut to `cut`. A search link (Spotify's fallback, the other
 * platforms' pages) is rebuilt from the cut name and artist: it finds the same song, and its encoded query is
 * often most of the line. A resolved Spotify track link is kept as it is.
 */
function trackLine(
  track: Track,
  index: number,
  [nameMax, artistMax]: readonly [number, number],
  parts: { readonly why: boolean; readonly alsoOn: boolean },
): string {
  const name = [...track.name].slice(0, nameMax).join('');
  const artist = track.artist === null ? null : [...track.artist].slice(0, artistMax).join('');
  const cut = nameMax < (CUTS[0]?.[0] ?? 0);
  const url = cut && isSpotifySearchUrl(track.spotifyUrl) ? spotifySearchUrl(name, artist) : track.spotifyUrl;
  let line =
    `**${index + 1}.** [${escapeText(track.name, nameMax)}](${linkTarget(url)}) — ` +
    escapeText(track.artist ?? 'unknown artist', artistMax);
  if (parts.alsoOn && track.alsoOn?.length) {
    const links = track.alsoOn.map((link) => {
      const target = cut ? searchLink(link.platform, name, artist) : link.url;
      return `[${PLATFORM_LABELS[link.platform].short}](${linkTarget(target)})`;
    });
    line += ` · ${links.join(' · ')}`;
  }
  return parts.why && track.why ? `${line}\n-# ${escapeText(track.why, 80)}` : line;
}

/**
 * The forms a track's line may take, richest first: with its reason, then without, then shorter and shorter
 * names with the other platforms' links, then the same without those links.
 */
function lineForms(track: Track, index: number): string[] {
  const full = CUTS[0] ?? [80, 60];
  return [
    trackLine(track, index, full, { why: true, alsoOn: true }),
    ...CUTS.map((cut) => trackLine(track, index, cut, { why: false, alsoOn: true })),
    ...(track.alsoOn?.length
      ? CUTS.map((cut) => trackLine(track, index, cut, { why: false, alsoOn: false }))
      : []),
  ];
}

export function playlistEmbed(playlist: Playlist): APIEmbed {
  const title = escapeText(playlist.title, 200).slice(0, EMBED_LIMITS.title);
  // The description says what the playlist holds and what the catalog could not supply (request-plan.ts).
  const header = `*${escapeText(playlist.description, 230)}*\n\n`;
  const footer =
    `${playlist.tracks.length} songs · ${playlist.timings.total ?? 0} ms · ` +
    `${playlist.providers.embedder} · ${playlist.providers.writer} · ${playlist.providers.links}`;
  // The description and total limits bound the list. Every requested track should show: reasons go first,
  // then lines get shorter (an even share of the budget each); only a list that still cannot fit ends with
  // "…and N more", and never with half a link.
  const budget =
    Math.min(EMBED_LIMITS.description, EMBED_LIMITS.total - title.length - footer.length) - header.length;
  const forms = playlist.tracks.map(lineForms);
  const fits = (candidate: string[]) => candidate.join('\n').length <= budget;
  // Every line in its richest form, then every line without its reason; failing that, each line takes the
  // richest form that fits an even share of the budget (or its poorest).
  let lines = forms.map((f) => f[0] ?? '');
  if (!fits(lines)) lines = forms.map((f) => f[1] ?? '');
  if (!fits(lines)) {
    const share = Math.floor((budget - (forms.length - 1)) / Math.max(1, forms.length));
    lines = forms.map((f) => f.slice(1).find((line) => line.length <= share) ?? f.at(-1) ?? '');
  }
  let shown = lines.length;
  const more = () => (shown < lines.length ? `\n…and ${lines.length - shown} more` : '');
  while (shown > 0 && lines.slice(0, shown).join('\n').length + more().length > budget) shown--;
  return {
    title,
    description: `${header}${lines.slice(0, shown).join('\n')}${more()}`,
    color: BRAND_COLOR,
    footer: { text: footer.slice(0, EMBED_LIMITS.footer) },
  };
}

/** Discord's component limits: https://discord.com/developers/docs/components/reference */
export const COMPONENT_LIMITS = { optionLabel: 100, optionDescription: 100, placeholder: 150 } as const;

const button = (
  label: string,
  custom_id: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary,
): APIButtonComponent => ({
  type: ComponentType.Button,
  style,
  label,
  custom_id,
});

/** Another take · More like this · Refine… · 👍 · 👎 (five: a row's most). */
export function playlistButtons(playlistId: string): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      button('Another take', buttonId('take', playlistId), ButtonStyle.Primary),
      button('More like this', buttonId('like', playlistId), ButtonStyle.Secondary),
      button('Refine…', buttonId('refine', playlistId), ButtonStyle.Secondary),
      button('👍', buttonId('up', playlistId), ButtonStyle.Secondary),
      button('👎', buttonId('down', playlistId), ButtonStyle.Secondary),
    ],
  };
}

/** "Swap a song…": one option per shown track (a select menu holds 25, a playlist at most 25). */
export function swapMenu(
  playlist: Playlist,
  playlistId: string,
): APIActionRowComponent<APIStringSelectComponent> {
  // Plain text, not markdown: menus render neither links nor mentions, so only length needs bounding.
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.StringSelect,
        custom_id: buttonId('swap', playlistId),
        placeholder: 'Swap a song…',
        min_values: 1,
        max_values: 1,
        // Discord refuses a menu with two equal values: a song is listed once.
        options: uniqueSongs(playlist.tracks).map(({ track: t, index: i }) => ({
          label: ellipsize(`${i + 1}. ${t.name.trim() || 'untitled'}`, COMPONENT_LIMITS.optionLabel),
          description: ellipsize(t.artist?.trim() || 'unknown artist', COMPONENT_LIMITS.optionDescription),
          value: t.songId,
        })),
      },
    ],
  };
}

/** The buttons, and the swap menu when there is a song to swap. */
export function playlistComponents(playlist: Playlist, playlistId: string) {
  return playlist.tracks.length > 0
    ? [playlistButtons(playlistId), swapMenu(playlist, playlistId)]
    : [playlistButtons(playlistId)];
}

/** The "Refine…" modal: one line of follow-up, as long as a mood may be. */
export function refineModal(playlistId: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: buttonId('refine', playlistId),
    title: 'Refine this playlist',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: REFINE_INPUT_ID,
            label: 'What should change?',
            style: TextInputStyle.Short,
            placeholder: 'e.g. less upbeat, no rap, more 90s, without Drake',
            min_length: 1,
            max_length: MAX_MOOD_LENGTH,
            required: true,
          },
        ],
      },
    ],
  };
}

export const NO_MENTIONS = { parse: [] } as const;

export function playlistMessage(
  playlist: Playlist,
  playlistId: string,
): RESTPatchAPIWebhookWithTokenMessageJSONBody {
  return {
    content: '',
    embeds: [playlistEmbed(playlist)],
    components: playlistComponents(playlist, playlistId),
    allowed_mentions: { parse: [] },
  };
}

/** A failure is for the requester only (private-reply.ts sends it); it pings nobody. */
export function failureMessage(message: string): PrivateMessage {
  return { content: message, allowed_mentions: { parse: [] } };
}
