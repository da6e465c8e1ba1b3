import { describe, expect, it } from 'vitest';
import { parseMood } from '../core/mood-text.ts';

describe('parseMood', () => {
  it('refuses empty and whitespace-only moods', () => {
    for (const raw of ['', '   ', '\n\t', '\u200b\u200b', '<@123456789012345678>']) {
      expect(parseMood(raw)).toEqual({ ok: false, reason: 'empty' });
    }
  });

  it('refuses a mood over the limit and says how long it was', () => {
    expect(parseMood('a'.repeat(201))).toEqual({ ok: false, reason: 'tooLong', length: 201, max: 200 });
    expect(parseMood('🌧'.repeat(200)).ok).toBe(true);
  });

  it('strips mention syntax from both platforms so it can never be echoed back as a ping', () => {
    const parsed = parseMood(
      'sad <@123> <@!42> <@&999> <#77> <!channel> <!here> <@U024BE7LH> @everyone @here vibes',
    );
    expect(parsed).toEqual({ ok: true, text: 'sad vibes' });
  });

  it('drops links (a title must not read "Https Gg Mix"), keeping a link label the user wrote', () => {
    expect(parseMood('hype https://discord.gg/abc123 energy www.example.com/x')).toEqual({
      ok: true,
      text: 'hype energy',
    });
    expect(parseMood('chill <https://evil.example|late night> vibes <http://x.y>')).toEqual({
      ok: true,
      text: 'chill late night vibes',
    });
    expect(parseMood('[sunny](https://evil.example) songs')).toEqual({ ok: true, text: 'sunny songs' });
    expect(parseMood('https://only.a/link')).toEqual({ ok: false, reason: 'empty' });
  });

  it('removes control, zero-width and bidi characters and collapses whitespace', () => {
    expect(parseMood('rainy\u0000\u0007 \u202esunday\u200d\n\nnostalgic')).toEqual({
      ok: true,
      text: 'rainy sunday nostalgic',
    });
  });

  it('keeps emoji, accents and other scripts as they are', () => {
    expect(parseMood('  café 😭 心碎  ')).toEqual({ ok: true, text: 'café 😭 心碎' });
  });
});
