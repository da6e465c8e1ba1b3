/**
 * Property-based checks (fast-check) of every place user, song or model text reaches a chat platform:
 * whatever the text — emoji, RTL and zero-width characters, controls, mentions, markdown/mrkdwn, SQL-ish
 * strings, 10K characters — it is bounded, and it can never ping anyone or form a link.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { playlistMessage as discordMessage, EMBED_LIMITS } from '../bots/discord/render.ts';
import { BLOCK_LIMITS, playlistMessage as slackMessage } from '../bots/slack/render.ts';
import { LINK_PLATFORMS, otherLinks } from '../core/listen-links.ts';
import { MAX_MOOD_LENGTH, parseMood } from '../core/mood-text.ts';
import type { Playlist, Track } from '../core/types.ts';
import { DISCORD_MENTION, hostileText as text } from './support/hostile-text.ts';

const track = fc
  .record({
    songId: fc.bigInt({ min: 1n, max: 2n ** 62n }).map(String),
    name: text(400),
    artist: fc.option(text(300), { nil: null }),
    year: fc.option(fc.integer({ min: 1900, max: 2030 }), { nil: null }),
    similarity: fc.double({ min: -1, max: 1, noNaN: true }),
    popularity: fc.double({ min: 0, max: 1e9, noNaN: true }),
    score: fc.double({ min: 0, max: 2, noNaN: true }),
    spotifyUrl: fc.oneof(
      fc.string({ maxLength: 30 }).map((id) => `https://open.spotify.com/track/${encodeURIComponent(id)}`),
      text(200).map((q) => `https://open.spotify.com/search/${encodeURIComponent(q)}`),
    ),
    why: text(120),
  })
  // Any combination of LINK_PLATFORMS: the other platforms' search pages for the same name and artist.
  .chain((t) =>
    fc
      .subarray(LINK_PLATFORMS.filter((p) => p !== 'spotify'))
      .map((others): Track => ({ ...t, alsoOn: otherLinks(others, t.name, t.artist) })),
  ) satisfies fc.Arbitrary<Track>;

/** Every link a renderer may form: Spotify's, or one of the listed platforms' search pages. */
const OUR_LINK = /^https:\/\/(open\.spotify\.com|music\.youtube\.com|music\.apple\.com|www\.deezer\.com)\//;

const playlist = fc.record({
  title: text(300),
  description: text(100),
  mood: text(MAX_MOOD_LENGTH * 2),
  tracks: fc.array(track, { maxLength: 25 }),
  providers: fc.constant({ embedder: 'local:glove-sif-100', writer: 'local', links: 'spotify' }),
  timings: fc.constant({ total: 123 }),
}) satisfies fc.Arbitrary<Playlist>;

const RUNS = { numRuns: 300 };

// Seeded, so a run that fails fails the same way again (fast-check prints the counterexample's path);
// FC_SEED=<n> explores another part of the input space.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_201) });

describe('any mood text', () => {
  it('parses to a bounded, mention-free, control-free mood or a clear refusal', () => {
    fc.assert(
      fc.property(fc.oneof(text(12_000), fc.string({ maxLength: 12_000 })), (raw) => {
        const parsed = parseMood(raw);
        if (!parsed.ok) {
          expect(['empty', 'tooLong']).toContain(parsed.reason);
          return;
        }
        expect([...parsed.text].length).toBeLessThanOrEqual(MAX_MOOD_LENGTH);
        expect(parsed.text).not.toMatch(/<[@#!/][^>\s]*>|@(everyone|here|channel)\b/i);
        expect(parsed.text).not.toMatch(/[\p{Cc}\p{Cf}]/u);
        expect(parsed.text).toBe(parsed.text.trim());
      }),
      { numRuns: 500 },
    );
  });
});

describe('any playlist on Discord', () => {
  it('stays within every embed limit, links only to the listening platforms, and pings nobody', () => {
    fc.assert(
      fc.property(playlist, (p) => {
        const message = discordMessage(p, 'ctx123');
        expect(message.allowed_mentions).toEqual({ parse: [] });
        const embed = message.embeds?.[0];
        expect(embed).toBeDefined();
        if (!embed) return;
        expect(embed.title?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.title);
        expect(embed.description?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.description);
        const total =
          (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
        expect(total).toBeLessThanOrEqual(EMBED_LIMITS.total);
        const shown = `${embed.title}\n${embed.description}`;
        expect(shown).not.toMatch(DISCORD_MENTION);
        for (const [, url] of shown.matchAll(/(?<!\\)\]\(([^)]*)\)/g)) expect(url).toMatch(OUR_LINK);
      }),
      RUNS,
    );
  });
});

describe('any playlist’s controls', () => {
  it('on Discord: five buttons and a swap menu within every component limit', () => {
    fc.assert(
      fc.property(playlist, (p) => {
        const rows = (discordMessage(p, 'ctx123').components ?? []) as unknown as {
          components: {
            custom_id: string;
            label?: string;
            options?: { label: string; description?: string; value: string }[];
          }[];
        }[];
        expect(rows.length).toBeLessThanOrEqual(5);
        const [buttons, menu] = rows;
        expect(buttons?.components).toHaveLength(5);
        for (const b of buttons?.components ?? [])
          expect([...(b.label ?? '')].length).toBeLessThanOrEqual(80);
        const options = menu?.components[0]?.options ?? [];
        // Each song once: a menu with two equal values is refused.
        expect(options).toHaveLength(new Set(p.tracks.map((t) => t.songId)).size);
        for (const o of options) {
          expect([...o.label].length).toBeGreaterThan(0);
          expect([...o.label].length).toBeLessThanOrEqual(100);
          expect([...(o.description ?? '')].length).toBeLessThanOrEqual(100);
          expect(o.value.length).toBeLessThanOrEqual(100);
        }
        expect(new Set(options.map((o) => o.value)).size).toBe(options.length);
      }),
      RUNS,
    );
  });

  it('on Slack: the actions block and its swap menu within every Block Kit limit', () => {
    fc.assert(
      fc.property(playlist, (p) => {
        const actions = (slackMessage(p, 'ctx123').blocks ?? []).at(-1) as unknown as {
          type: string;
          elements: {
            type: string;
            options?: { text: { text: string }; description?: { text: string }; value: string }[];
          }[];
        };
        expect(actions.type).toBe('actions');
        expect(actions.elements.length).toBeLessThanOrEqual(25);
        const options = actions.elements.find((e) => e.type === 'static_select')?.options ?? [];
        expect(options).toHaveLength(new Set(p.tracks.map((t) => t.songId)).size);
        expect(new Set(options.map((o) => o.value)).size).toBe(options.length);
        for (const o of options) {
          expect(o.text.text.length).toBeGreaterThan(0);
          expect(o.text.text.length).toBeLessThanOrEqual(75);
          expect((o.description?.text ?? '').length).toBeLessThanOrEqual(75);
          expect(o.value.length).toBeLessThanOrEqual(150);
        }
      }),
      RUNS,
    );
  });
});

describe('any playlist on Slack', () => {
  it('stays within Block Kit limits, links only to the listening platforms, and cannot form a mention', () => {
    fc.assert(
      fc.property(playlist, (p) => {
        const message = slackMessage(p, 'ctx123');
        const blocks = message.blocks ?? [];
        expect(blocks.length).toBeLessThanOrEqual(BLOCK_LIMITS.blocks);
        const json = JSON.stringify(message);
        for (const block of blocks) {
          if (block.type === 'header')
            expect(block.text.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.header);
          if (block.type === 'section' && block.text)
            expect(block.text.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.sectionText);
        }
        // In mrkdwn, only a literal `<` opens a link or mention: every one left must be one of our links.
        for (const [inner] of json.matchAll(/<[^>]*>/g)) {
          expect(inner.slice(1)).toMatch(OUR_LINK);
          expect(inner).toMatch(/^<[^|<>\s]*\|/);
        }
        expect(json).not.toMatch(/(?<![\u2060\w])@(everyone|here|channel)\b/);
      }),
      RUNS,
    );
  });
});
