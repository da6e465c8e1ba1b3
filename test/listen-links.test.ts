/**
 * LINK_PLATFORMS: each track links to Spotify and, when asked, to the same song's search page on YouTube
 * Music, Apple Music and Deezer, on every surface (Discord, Slack, the terminal) and within each one's limits.
 */
import { describe, expect, it } from 'vitest';
import { playlistMessage as discordMessage, EMBED_LIMITS } from '../bots/discord/render.ts';
import { BLOCK_LIMITS, playlistMessage as slackMessage } from '../bots/slack/render.ts';
import { renderPlaylist } from '../cli/render.ts';
import { loadConfig } from '../core/config.ts';
import { type LinkPlatform, otherLinks, searchLink, spotifySearchUrl } from '../core/listen-links.ts';
import type { Playlist, Track } from '../core/types.ts';

const ALL: LinkPlatform[] = ['spotify', 'youtube-music', 'apple-music', 'deezer'];

const track = (i: number, name: string, artist: string | null, platforms = ALL): Track => ({
  songId: String(i + 1),
  name,
  artist,
  year: 1999,
  similarity: 0.8,
  popularity: 10,
  score: 0.9,
  spotifyUrl: `https://open.spotify.com/track/id${i}`,
  alsoOn: otherLinks(platforms, name, artist),
  why: 'rain, night',
});

const playlist = (tracks: Track[]): Playlist => ({
  title: 'Neon Rain',
  description: `${tracks.length} songs for “late night drive”`,
  mood: 'late night drive',
  tracks,
  providers: { embedder: 'local', writer: 'local', links: 'spotify-search' },
  timings: { total: 12 },
});

describe('search links', () => {
  it('opens each platform’s search page for the song’s name and artist', () => {
    expect(searchLink('youtube-music', 'Purple Rain', 'Prince')).toBe(
      'https://music.youtube.com/search?q=Purple%20Rain%20Prince',
    );
    expect(searchLink('apple-music', 'Purple Rain', 'Prince')).toBe(
      'https://music.apple.com/search?term=Purple%20Rain%20Prince',
    );
    expect(searchLink('deezer', 'Purple Rain', 'Prince')).toBe(
      'https://www.deezer.com/search/Purple%20Rain%20Prince',
    );
    expect(spotifySearchUrl('Purple Rain', null)).toBe('https://open.spotify.com/search/Purple%20Rain');
  });

  it('encodes what would break a URL and never splits a character', () => {
    const url = searchLink('deezer', `AC/DC & "friends" ?#\n${'🎸'.repeat(300)}`, 'x');
    expect(url).toMatch(/^https:\/\/www\.deezer\.com\/search\/AC%2FDC%20%26%20%22friends%22%20%3F%23%20/);
    expect(() => decodeURIComponent(url)).not.toThrow();
    expect([...decodeURIComponent(url.slice('https://www.deezer.com/search/'.length))]).toHaveLength(200);
  });

  it('gives the other platforms LINK_PLATFORMS lists, in one fixed order, and never Spotify twice', () => {
    expect(otherLinks(['spotify'], 'a', 'b')).toEqual([]);
    expect(otherLinks(['deezer', 'spotify', 'youtube-music'], 'a', 'b').map((l) => l.platform)).toEqual([
      'youtube-music',
      'deezer',
    ]);
  });
});

describe('LINK_PLATFORMS', () => {
  it('defaults to Spotify alone and takes any combination that includes it', () => {
    expect(loadConfig({}).recommend.linkPlatforms).toEqual(['spotify']);
    expect(loadConfig({ LINK_PLATFORMS: ' spotify , deezer,deezer ' }).recommend.linkPlatforms).toEqual([
      'spotify',
      'deezer',
    ]);
  });

  it('refuses an unknown platform or a list without Spotify, naming the variable', () => {
    expect(() => loadConfig({ LINK_PLATFORMS: 'spotify,tidal' })).toThrow(/LINK_PLATFORMS/);
    expect(() => loadConfig({ LINK_PLATFORMS: 'deezer' })).toThrow(
      /LINK_PLATFORMS.*spotify is always linked/s,
    );
  });
});

describe('the other platforms on every surface', () => {
  const few = [track(0, 'Purple Rain', 'Prince'), track(1, 'Nightcall', 'Kavinsky')];

  it('Discord: a labelled link per platform after the artist', () => {
    const lines = discordMessage(playlist(few), 'ctx').embeds?.[0]?.description?.split('\n') ?? [];
    expect(lines).toContain(
      '**1.** [Purple Rain](https://open.spotify.com/track/id0) — Prince · ' +
        '[YT Music](https://music.youtube.com/search?q=Purple%20Rain%20Prince) · ' +
        '[Apple](https://music.apple.com/search?term=Purple%20Rain%20Prince) · ' +
        '[Deezer](https://www.deezer.com/search/Purple%20Rain%20Prince)',
    );
  });

  it('Discord: 25 long tracks with every platform all show, within the embed limits', () => {
    const name =
      'Symphony No. 9 in D Minor, Op. 125 "Choral": IV. Presto – Allegro assai (Live, 1998 Remaster)';
    const long = Array.from({ length: 25 }, (_, i) =>
      track(i, `${i} ${name}`, 'Wiener Philharmoniker & Bernstein'),
    );
    const embed = discordMessage(playlist(long), 'ctx').embeds?.[0];
    const description = embed?.description ?? '';
    expect(description.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    const lines = description.split('\n').filter((l) => /^\*\*\d+\.\*\* \[/.test(l));
    expect(lines).toHaveLength(25);
    // Every song keeps its Spotify link; the other platforms' links are whole wherever they are shown.
    for (const [i, line] of lines.entries()) {
      expect(line).toContain(`](https://open.spotify.com/track/id${i})`);
      expect(line).not.toMatch(/\]\([^)]*$/);
    }
  });

  it('Slack: a labelled link per platform, each one whole, every section within its limit', () => {
    const message = slackMessage(playlist([...few, track(2, 'x'.repeat(400), 'y'.repeat(400))]), 'ctx');
    const sections = (message.blocks ?? []).flatMap((b) =>
      b.type === 'section' && b.text ? [b.text.text] : [],
    );
    expect(sections[0]).toBe(
      '*1.* <https://open.spotify.com/track/id0|Purple Rain> — Prince · ' +
        '<https://music.youtube.com/search?q=Purple%20Rain%20Prince|YT Music> · ' +
        '<https://music.apple.com/search?term=Purple%20Rain%20Prince|Apple> · ' +
        '<https://www.deezer.com/search/Purple%20Rain%20Prince|Deezer>\nrain, night',
    );
    for (const text of sections) expect(text.length).toBeLessThanOrEqual(BLOCK_LIMITS.sectionText);
  });

  it('the terminal: one line per platform under the Spotify link', () => {
    const out = renderPlaylist(playlist([track(0, 'Purple Rain', 'Prince', ['spotify', 'deezer'])]), false);
    expect(out).toContain(
      '   https://open.spotify.com/track/id0\n   Deezer: https://www.deezer.com/search/Purple%20Rain%20Prince',
    );
  });
});
