/**
 * Where a track can be played: Spotify (resolved to the track when the API is configured, core/spotify/) and
 * the search pages of YouTube Music, Apple Music and Deezer. A search page needs no API, no key and no call:
 * the link is the song's name and artist, so every listener finds it on the service they use.
 */

/** The platforms LINK_PLATFORMS may name, in the order the renderers show them. */
export const LINK_PLATFORMS = ['spotify', 'youtube-music', 'apple-music', 'deezer'] as const;
export type LinkPlatform = (typeof LINK_PLATFORMS)[number];

/** A link beside the track's own (Spotify) one. */
export interface ListenLink {
  readonly platform: Exclude<LinkPlatform, 'spotify'>;
  readonly url: string;
}

/** What a renderer calls each platform: the full name where there is room, the short one where there is not. */
export const PLATFORM_LABELS: Readonly<
  Record<LinkPlatform, { readonly full: string; readonly short: string }>
> = {
  spotify: { full: 'Spotify', short: 'Spotify' },
  'youtube-music': { full: 'YouTube Music', short: 'YT Music' },
  'apple-music': { full: 'Apple Music', short: 'Apple' },
  deezer: { full: 'Deezer', short: 'Deezer' },
};

/** Keeps every search link short enough for chat embeds and Block Kit buttons. */
const MAX_QUERY_CHARS = 200;

/** `name artist` as a search query: control characters out, whitespace collapsed, capped by code points. */
export function searchQuery(name: string, artist: string | null): string {
  const query = [name, artist ?? '']
    .map((part) =>
      part
        .replace(/\p{Cc}+/gu, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((part) => part !== '')
    .join(' ');
  // By code points, so a surrogate pair is never split (encodeURIComponent throws on a lone one).
  return Array.from(query).slice(0, MAX_QUERY_CHARS).join('').trim();
}

const SEARCH_PAGES: Readonly<Record<LinkPlatform, (query: string) => string>> = {
  spotify: (q) => `https://open.spotify.com/search/${q}`,
  'youtube-music': (q) => `https://music.youtube.com/search?q=${q}`,
  // Without a storefront in the path, Apple redirects to the listener's own.
  'apple-music': (q) => `https://music.apple.com/search?term=${q}`,
  deezer: (q) => `https://www.deezer.com/search/${q}`,
};

/** The platform's search page for this song. */
export function searchLink(platform: LinkPlatform, name: string, artist: string | null): string {
  return SEARCH_PAGES[platform](encodeURIComponent(searchQuery(name, artist)));
}

/** The links beside Spotify's that LINK_PLATFORMS asks for, in the platforms' order. */
export function otherLinks(
  platforms: readonly LinkPlatform[],
  name: string,
  artist: string | null,
): ListenLink[] {
  return LINK_PLATFORMS.flatMap((platform) =>
    platform !== 'spotify' && platforms.includes(platform)
      ? [{ platform, url: searchLink(platform, name, artist) }]
      : [],
  );
}

/** The platform whose search page this is, when it is one of {@link searchLink}'s. */
export function searchPlatformOf(url: string): LinkPlatform | undefined {
  return LINK_PLATFORMS.find((platform) => url.startsWith(SEARCH_PAGES[platform]('')));
}

/** Spotify's search page: the fallback when a track cannot be resolved. */
export const spotifySearchUrl = (name: string, artist: string | null): string =>
  searchLink('spotify', name, artist);

/** True for the links {@link spotifySearchUrl} makes (a renderer may rebuild them shorter). */
export const isSpotifySearchUrl = (url: string): boolean => searchPlatformOf(url) === 'spotify';
