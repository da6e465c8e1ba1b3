import { describe, expect, it } from 'vitest';
import {
  EMBED_LIMITS,
  escapeText,
  failureMessage,
  playlistButtons,
  playlistMessage,
} from '../bots/discord/render.ts';
import { spotifySearchUrl } from '../core/listen-links.ts';
import type { Playlist, Track } from '../core/types.ts';

const track = (
  i: number,
  name: string,
  artist: string,
  url = `https://open.spotify.com/track/id${i}`,
): Track => ({
  songId: String(i),
  name,
  artist,
  year: 2000,
  similarity: 0.5,
  popularity: 1,
  score: 1,
  spotifyUrl: url,
  why: 'sad, heartbreak',
});

// As the core describes it (request-plan.ts): the count and the mood, unless a test says otherwise.
const playlist = (tracks: Track[], overrides: Partial<Playlist> = {}): Playlist => ({
  title: 'Rain-Soaked Nostalgia Sunday',
  description: `${tracks.length} songs for “${overrides.mood ?? 'rainy sunday'}”`,
  mood: 'rainy sunday',
  tracks,
  providers: { embedder: 'local:glove-sif-100', writer: 'local', links: 'spotify-search' },
  timings: { total: 120 },
  ...overrides,
});

const embedSize = (e: { title?: string; description?: string; footer?: { text: string } }) =>
  (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);

describe('Discord playlist message', () => {
  it('numbers every track as a Spotify link with its artist, and pings nobody', () => {
    const message = playlistMessage(
      playlist([track(1, 'Yellow', 'Coldplay'), track(2, 'Hurt', 'Johnny Cash')]),
      'abc',
    );
    const embed = message.embeds?.[0];
    expect(embed?.title).toBe('Rain-Soaked Nostalgia Sunday');
    expect(embed?.description).toContain('**1.** [Yellow](https://open.spotify.com/track/id1) — Coldplay');
    expect(embed?.description).toContain('**2.** [Hurt](https://open.spotify.com/track/id2) — Johnny Cash');
    expect(message.allowed_mentions).toEqual({ parse: [] });
    const [buttons, swap] = message.components ?? [];
    expect(buttons).toEqual(playlistButtons('abc'));
    const ids = playlistButtons('abc').components.map((c) => ('custom_id' in c ? c.custom_id : ''));
    expect(ids).toEqual(['sm:take:abc', 'sm:like:abc', 'sm:refine:abc', 'sm:up:abc', 'sm:down:abc']);
    // The swap menu lists the shown songs by number, name and artist; its values are the song ids.
    expect((swap as { components?: unknown[] } | undefined)?.components?.[0]).toMatchObject({
      type: 3,
      custom_id: 'sm:swap:abc',
      options: [
        { label: '1. Yellow', description: 'Coldplay', value: '1' },
        { label: '2. Hurt', description: 'Johnny Cash', value: '2' },
      ],
    });
  });

  it('escapes markdown, link syntax and mentions coming from song names or the mood', () => {
    const evil = track(1, '**bold** [x](https://evil.example) @everyone <@123>', '_Under_ `code` <@&999>');
    const embed = playlistMessage(playlist([evil], { mood: '@here ||spoiler||', title: '# Big <@1>' }), 'id')
      .embeds?.[0];
    const text = `${embed?.title}\n${embed?.description}`;
    expect(text).not.toMatch(/(?<!\\)\*\*bold/);
    expect(text).not.toContain('[x](https://evil.example)');
    expect(text).not.toMatch(/@everyone|@here/);
    expect(text).not.toMatch(/<@&?\d+>/);
    expect(text).toContain('\\_Under\\_');
  });

  it('keeps search URLs with parentheses inside the markdown link', () => {
    const t = track(1, 'Song (Live)', 'Band', 'https://open.spotify.com/search/Song%20(Live)%20Band');
    expect(playlistMessage(playlist([t]), 'id').embeds?.[0]?.description).toContain(
      '(https://open.spotify.com/search/Song%20%28Live%29%20Band)',
    );
  });

  it('shows all 25 requested tracks with long catalog text, as links, within the embed limits', () => {
    // Long names, artists and reasons with search links, as a real catalog has: this showed 7 tracks and
    // "…and 18 more" under a footer saying 25 songs.
    const long = Array.from({ length: 25 }, (_, i) => {
      const name = `${i} Symphony No. ${i + 1} in D Minor, Op. 125 "Choral": IV. Presto – Allegro assai (Live at the Royal Albert Hall, 1998 Remaster)`;
      const artist = 'Wiener Philharmoniker, Chor der Wiener Staatsoper & Leonard Bernstein';
      return {
        ...track(i, name, artist, spotifySearchUrl(name, artist)),
        why: 'triumphant, joyful, epic, choral, uplifting, hopeful',
      };
    });
    const embed = playlistMessage(playlist(long, { mood: 'triumphant and joyful '.repeat(9) }), 'id')
      .embeds?.[0];
    if (!embed) throw new Error('no embed');
    expect(embed.description?.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    expect(embedSize(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    expect(embed.footer?.text).toMatch(/^25 songs/);
    const lines = (embed.description ?? '').split('\n').filter((l) => /^\*\*\d+\.\*\* \[/.test(l));
    expect(lines).toHaveLength(25);
    expect(embed.description).not.toMatch(/…and \d+ more/);
    for (const [i, line] of lines.entries()) {
      expect(line).toMatch(new RegExp(`^\\*\\*${i + 1}\\.\\*\\* \\[${i} Symphony`));
      expect(line).toMatch(/\]\(https:\/\/open\.spotify\.com\/search\/\d+%20Symphony[^)\s]*\) — Wiener/);
    }
  });

  it('stays within every embed limit for 25 tracks with the longest names', () => {
    const long = Array.from({ length: 25 }, (_, i) =>
      track(
        i,
        `${'Very Long Song Title '.repeat(20)}${i}`,
        'An Artist With A Name That Goes On '.repeat(5),
        `https://open.spotify.com/search/${'x'.repeat(300)}`,
      ),
    );
    const embed = playlistMessage(playlist(long, { title: 'T'.repeat(400), mood: 'm'.repeat(200) }), 'id')
      .embeds?.[0];
    if (!embed) throw new Error('no embed');
    expect(embed.title?.length).toBeLessThanOrEqual(EMBED_LIMITS.title);
    expect(embed.description?.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    expect(embedSize(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    // Every requested track is shown, shortened (a search link rebuilt from the shortened name and artist).
    expect((embed.description?.match(/^\*\*\d+\.\*\* \[/gm) ?? []).length).toBe(25);
    // never half a link
    expect((embed.description?.match(/\]\(/g) ?? []).length).toBe(
      (embed.description?.match(/\)\s—/g) ?? []).length,
    );
  });

  it('an error is a plain message that pings nobody', () => {
    expect(failureMessage('Spotify is busy')).toEqual({
      content: 'Spotify is busy',
      allowed_mentions: { parse: [] },
    });
  });

  it('escapeText cuts long text with an ellipsis', () => {
    expect(escapeText('abcdef', 4)).toBe('abc…');
  });

  it('says in the header what the catalog could not supply, as the core described it', () => {
    const description = 'No snow songs in this catalog: 1 songs for the rest of “snow day *cosy*”';
    const embed = playlistMessage(playlist([track(1, 'Yellow', 'Coldplay')], { description }), 'id')
      .embeds?.[0];
    expect(embed?.description?.split('\n')[0]).toBe(
      '*No snow songs in this catalog: 1 songs for the rest of “snow day \\*cosy\\*”*',
    );
  });
});
