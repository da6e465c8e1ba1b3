/** The Slack command parser and Block Kit renderer on their own: limits, escaping, option parsing. */
import { describe, expect, it } from 'vitest';
import { ACTION_IDS, parseButton, parseMoodCommand } from '../bots/slack/commands.ts';
import {
  BLOCK_LIMITS,
  escapeMrkdwn,
  failureMessage,
  plainText,
  playlistMessage,
} from '../bots/slack/render.ts';
import type { Playlist, Track } from '../core/types.ts';

const track = (i: number, overrides: Partial<Track> = {}): Track => ({
  songId: String(i + 1),
  name: `Song ${i + 1}`,
  artist: `Artist ${i + 1}`,
  year: 2000,
  similarity: 0.5,
  popularity: 50,
  score: 0.5,
  spotifyUrl: `https://open.spotify.com/track/${i + 1}`,
  why: 'rain, night',
  ...overrides,
});

// As the core describes it (request-plan.ts): the count and the mood, unless a test says otherwise.
const playlist = (tracks: Track[], overrides: Partial<Playlist> = {}): Playlist => ({
  title: 'Rain-Soaked Nostalgia Sunday',
  description: `${tracks.length} songs for “${overrides.mood ?? 'rainy sunday'}”`,
  mood: 'rainy sunday',
  tracks,
  providers: { embedder: 'local', writer: 'local', links: 'spotify-search' },
  timings: { embedMood: 3, search: 4, links: 1, total: 12 },
  ...overrides,
});

type Block = { type: string; [key: string]: unknown };
const blocksOf = (p: Playlist) => (playlistMessage(p, 'ctx-1').blocks ?? []) as Block[];
const sectionTexts = (blocks: Block[]) =>
  blocks.filter((b) => b.type === 'section').map((b) => (b.text as { text: string }).text);

describe('Slack /mood command text', () => {
  it.each([
    ['rainy sunday', { kind: 'mood', mood: 'rainy sunday', size: 10, ephemeral: false }],
    ['rainy sunday size:15', { kind: 'mood', mood: 'rainy sunday', size: 15, ephemeral: false }],
    ['rainy sunday private size:5', { kind: 'mood', mood: 'rainy sunday', size: 5, ephemeral: true }],
    ['a private little party', { kind: 'mood', mood: 'a private little party', size: 10, ephemeral: false }],
    ['', { kind: 'help' }],
    ['   help ', { kind: 'help' }],
  ])('“%s”', (text, expected) => {
    expect(parseMoodCommand(text)).toEqual(expected);
  });

  it('refuses sizes outside 5–25 and moods that are empty or too long, with a message', () => {
    for (const text of ['sad size:4', 'sad size:26', 'sad size:ten', 'size:8', 'x'.repeat(201)]) {
      const parsed = parseMoodCommand(text);
      expect(parsed.kind).toBe('invalid');
    }
    expect(parseMoodCommand('sad size:99')).toMatchObject({ message: expect.stringMatching(/from 5 to 25/) });
  });

  it('reads only our button ids and well-formed context ids', () => {
    expect(parseButton(ACTION_IDS.take, 'abc_DEF-1')).toEqual({ control: 'take', playlistId: 'abc_DEF-1' });
    expect(parseButton(ACTION_IDS.like, 'x')).toEqual({ control: 'like', playlistId: 'x' });
    expect(parseButton(ACTION_IDS.swap, 'x:42')).toEqual({ control: 'swap', playlistId: 'x', songId: '42' });
    expect(parseButton(ACTION_IDS.swap, 'x')).toBeUndefined();
    expect(parseButton('sm-delete', 'x')).toBeUndefined();
    expect(parseButton(ACTION_IDS.take, '../../etc')).toBeUndefined();
    expect(parseButton(ACTION_IDS.take, undefined)).toBeUndefined();
  });
});

describe('Slack Block Kit playlist', () => {
  it('stays within 50 blocks for a long list and says how many more there are', () => {
    const blocks = blocksOf(playlist(Array.from({ length: 60 }, (_, i) => track(i))));
    expect(blocks).toHaveLength(BLOCK_LIMITS.blocks);
    expect(sectionTexts(blocks)).toHaveLength(46);
    expect(JSON.stringify(blocks.at(-2))).toContain('…and 14 more');
    expect(blocks.at(-1)?.type).toBe('actions');
  });

  it('cuts every text to its limit: header 150, sections 3000, buttons 75', () => {
    const long = 'Ω'.repeat(5000);
    const p = playlist(
      [
        track(0, {
          name: long,
          artist: long,
          why: long,
          spotifyUrl: `https://open.spotify.com/search/${'a'.repeat(990)}`,
        }),
      ],
      { title: `${'🎵'.repeat(200)}`, mood: long },
    );
    const message = playlistMessage(p, 'ctx-1');
    const blocks = (message.blocks ?? []) as Block[];
    const header = String((blocks[0]?.text as { text?: string } | undefined)?.text);
    expect(header.length).toBeLessThanOrEqual(BLOCK_LIMITS.header);
    expect(header.endsWith('…')).toBe(true);
    expect(/[\uD800-\uDBFF]…$/.test(header)).toBe(false);
    for (const text of sectionTexts(blocks))
      expect(text.length).toBeLessThanOrEqual(BLOCK_LIMITS.sectionText);
    expect(message.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.fallbackText);
    const elements = (blocks.at(-1)?.elements ?? []) as {
      type: string;
      text: { text: string };
      value: string;
    }[];
    const buttons = elements.filter((e) => e.type === 'button');
    expect(buttons).toHaveLength(5);
    for (const b of buttons) {
      expect(b.text.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.buttonText);
      expect(b.value).toBe('ctx-1');
    }
  });

  it('escapes &, <, > and defuses mass mentions in song, artist, reason, title and mood', () => {
    const hostile = '<!channel> <@U123> <#C1|general> <https://evil.example|x> @here & @everyone';
    const p = playlist([track(0, { name: hostile, artist: hostile, why: hostile })], {
      title: hostile,
      mood: hostile,
    });
    const message = playlistMessage(p, 'ctx-1');
    const json = JSON.stringify(message);
    for (const b of json.match(/<[^>]*>/g) ?? [])
      expect(b).toMatch(/^<https:\/\/open\.spotify\.com\/track\/1\|/);
    expect(json).not.toMatch(/@(here|channel|everyone)\b/);
    expect(sectionTexts((message.blocks ?? []) as Block[])[0]).toContain('&lt;!channel&gt; &lt;@U123&gt;');
    expect(message.text).toContain('&lt;https://evil.example|x&gt;');
    expect(JSON.stringify(message.blocks?.[0])).toContain('‹!channel›');
  });

  it('never links a URL that is not http(s), and keeps | and > out of link targets', () => {
    const lines = sectionTexts(
      blocksOf(
        playlist([
          track(0, { spotifyUrl: 'javascript:alert(1)' }),
          track(1, { spotifyUrl: 'https://open.spotify.com/search/a|b>c d' }),
        ]),
      ),
    );
    expect(lines[0]).not.toContain('<');
    expect(lines[1]).toContain('<https://open.spotify.com/search/a%7Cb%3Ec%20d|Song 2>');
  });

  it('helpers: mrkdwn escaping and plain text', () => {
    expect(escapeMrkdwn('Tom & Jerry <3 > you')).toBe('Tom &amp; Jerry &lt;3 &gt; you');
    expect(plainText('a <b>\n c', 10)).toBe('a ‹b› c');
    expect(failureMessage('Oops <!here>').text).toBe('Oops &lt;!here&gt;');
  });

  it('says in the context line what the catalog could not supply, as the core described it', () => {
    const description = 'No christmas songs in this catalog: 1 songs for the rest of “christmas <morning>”';
    const context = blocksOf(playlist([track(0)], { description }))[1] as unknown as {
      elements: { text: string }[];
    };
    expect(context.elements[0]?.text).toBe(
      'No christmas songs in this catalog: 1 songs for the rest of “christmas ‹morning›”',
    );
  });
});
