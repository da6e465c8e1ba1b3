/** Spotify search links: the fallback when a track cannot be resolved, which needs no API call. */

/** Keeps the link short enough for chat embeds and Block Kit buttons. */
const MAX_QUERY_CHARS = 200;

const SEARCH_PREFIX = 'https://open.spotify.com/search/';

/** True for the links {@link spotifySearchUrl} makes (a renderer may rebuild them shorter). */
export function isSpotifySearchUrl(url: string): boolean {
  return url.startsWith(SEARCH_PREFIX);
}

/** `https://open.spotify.com/search/<name artist>`, with control characters removed and the query capped. */
export function spotifySearchUrl(name: string, artist: string | null): string {
  const query = [name, artist ?? '']
    .map((part) =>
      part
        .replace(/\p{Cc}+/gu, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((part) => part !== '')
    .join(' ');
  // Cut by code points so a surrogate pair is never split (encodeURIComponent throws on a lone one).
  const capped = Array.from(query).slice(0, MAX_QUERY_CHARS).join('').trim();
  return `${SEARCH_PREFIX}${encodeURIComponent(capped)}`;
}
