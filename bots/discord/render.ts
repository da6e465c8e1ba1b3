/**
 * `Playlist` → a Discord message: one embed (title, the mood, numbered tracks as Spotify links, timings)
 * and the "Another take" / "More like this" buttons. Every embed limit is respected, song and mood text is
 * escaped, and `allowed_mentions` is empty so nothing in it can ping anyone.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  type RESTPatchAPIWebhookWithTokenMessageJSONBody,
} from 'discord.js';
import { isSpotifySearchUrl, spotifySearchUrl } from '../../core/spotify/search-url.ts';
import type { Playlist, Track } from '../../core/types.ts';
import { buttonId } from './commands.ts';
import type { PrivateMessage } from './private-reply.ts';

/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_LIMITS = { title: 256, description: 4096, footer: 2048, total: 6000 } as const;
const BRAND_COLOR = 0x1db954;

/** Escapes markdown and link syntax, and defuses mass mentions even where they would not ping. */
export function escapeText(text: string, max: number): string {
  const cut = [...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text;
  return escapeMarkdown(cut)
    .replace(/[[\]()]/g, '\\$&')
    .replace(/@(everyone|here)/gi, '@\u200b$1')
    .replace(/<([@#][!&]?\d+|:\w+:\d+|\/[\w -]+:\d+)>/g, '<\u200b$1>');
}

/** Markdown link targets end at ")", which encodeURIComponent leaves alone. */
function linkTarget(url: string): string {
  return url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\s/g, '%20');
}

function trackLine(track: Track, index: number, withWhy: boolean): string {
  const name = escapeText(track.name, 80);
  const artist = escapeText(track.artist ?? 'unknown artist', 60);
  const line = `**${index + 1}.** [${name}](${linkTarget(track.spotifyUrl)}) — ${artist}`;
  return withWhy && track.why ? `${line}\n-# ${escapeText(track.why, 80)}` : line;
}

/** Name and artist lengths a compact line tries, longest first. */
const COMPACT_CUTS: readonly (readonly [number, number])[] = [
  [60, 40],
  [40, 28],
  [28, 18],
  [18, 12],
  [10, 8],
];

/**
 * A track line within `budget` characters: the name and artist cut shorter until it fits. A search link is
 * rebuilt from the cut name and artist (it finds the same song, and its encoded query is often most of the
 * line); a track link is kept as it is. The shortest try is returned even when it does not fit.
 */
function compactLine(track: Track, index: number, budget: number): string {
  let line = '';
  for (const [nameMax, artistMax] of COMPACT_CUTS) {
    const name = [...track.name].slice(0, nameMax).join('');
    const artist = [...(track.artist ?? 'unknown artist')].slice(0, artistMax).join('');
    const url = isSpotifySearchUrl(track.spotifyUrl)
      ? spotifySearchUrl(name, track.artist === null ? null : artist)
      : track.spotifyUrl;
    line =
      `**${index + 1}.** [${escapeText(track.name, nameMax)}](${linkTarget(url)}) — ` +
      escapeText(track.artist ?? 'unknown artist', artistMax);
    if (line.length <= budget) return line;
  }
  return line;
}

export function playlistEmbed(playlist: Playlist): APIEmbed {
  const title = escapeText(playlist.title, 200).slice(0, EMBED_LIMITS.title);
  const header = `*${escapeText(`for “${playlist.mood}”`, 230)}*\n\n`;
  const footer =
    `${playlist.tracks.length} songs · ${playlist.timings.total ?? 0} ms · ` +
    `${playlist.providers.embedder} · ${playlist.providers.writer} · ${playlist.providers.links}`;
  // The description and total limits bound the list. Every requested track should show: reasons go first,
  // then lines get shorter (an even share of the budget each); only a list that still cannot fit ends with
  // "…and N more", and never with half a link.
  const budget =
    Math.min(EMBED_LIMITS.description, EMBED_LIMITS.total - title.length - footer.length) - header.length;
  const tracks = playlist.tracks;
  const fits = (candidate: string[]) => candidate.join('\n').length <= budget;
  let lines = tracks.map((t, i) => trackLine(t, i, true));
  if (!fits(lines)) lines = tracks.map((t, i) => trackLine(t, i, false));
  if (!fits(lines)) {
    const share = Math.floor((budget - (tracks.length - 1)) / Math.max(1, tracks.length));
    lines = lines.map((line, i) => {
      const track = tracks[i];
      return line.length <= share || !track ? line : compactLine(track, i, share);
    });
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

export function playlistButtons(playlistId: string): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Primary,
        label: 'Another take',
        custom_id: buttonId('take', playlistId),
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: 'More like this',
        custom_id: buttonId('like', playlistId),
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
    components: [playlistButtons(playlistId)],
    allowed_mentions: { parse: [] },
  };
}

/** A failure is for the requester only (private-reply.ts sends it); it pings nobody. */
export function failureMessage(message: string): PrivateMessage {
  return { content: message, allowed_mentions: { parse: [] } };
}
