import type OpenAI from 'openai';
import { MoodError, MoodErrorCode } from '../errors.ts';
import type { SongSuggestion, Writer } from '../ports.ts';
import { toModelError } from './client.ts';
import { type ChatPrompt, hydePrompt, songsPrompt, type TitleSong, titlePrompt } from './prompts.ts';
import { parseSongSuggestions } from './song-suggestions.ts';

export interface OpenAIWriterOptions {
  readonly client: OpenAI;
  /** The provider's chat model name, e.g. `accounts/fireworks/models/qwen3-235b-a22b-instruct-2507`. */
  readonly model: string;
}

const MAX_LYRICS_CHARS = 2_000;
const MAX_TITLE_CHARS = 60;
/** A suggestion is about 20 tokens of JSON; the cap keeps a rambling model from costing seconds. */
const TOKENS_PER_SUGGESTION = 30;
const MAX_SUGGESTIONS = 25;

export class OpenAIWriter implements Writer {
  readonly name: string;
  readonly #client: OpenAI;
  readonly #model: string;

  constructor(options: OpenAIWriterOptions) {
    this.#client = options.client;
    this.#model = options.model;
    this.name = `openai:${options.model}`;
  }

  async hypotheticalLyrics(mood: string, signal?: AbortSignal): Promise<string> {
    const reply = await this.#complete(
      'Lyrics request',
      hydePrompt(mood),
      { temperature: 1.0, maxTokens: 400 },
      signal,
    );
    const lyrics = stripThinking(reply).trim().slice(0, MAX_LYRICS_CHARS).trim();
    if (lyrics === '') {
      throw new MoodError(MoodErrorCode.WriterUnavailable, 'Lyrics request returned no lyrics', {
        retryable: true,
      });
    }
    return lyrics;
  }

  async suggestSongs(mood: string, max: number, signal?: AbortSignal): Promise<SongSuggestion[]> {
    const count = Math.max(1, Math.min(MAX_SUGGESTIONS, Math.floor(max)));
    const reply = await this.#complete(
      'Song suggestions request',
      songsPrompt(mood, count),
      // Low temperature: this asks for facts (songs that exist), not for invention.
      { temperature: 0.3, maxTokens: 64 + TOKENS_PER_SUGGESTION * count },
      signal,
    );
    const suggestions = parseSongSuggestions(stripThinking(reply), count);
    if (suggestions === undefined) {
      throw new MoodError(MoodErrorCode.WriterUnavailable, 'Song suggestions request returned no JSON', {
        retryable: true,
      });
    }
    return suggestions;
  }

  async title(mood: string, songs: readonly TitleSong[], signal?: AbortSignal): Promise<string> {
    const reply = await this.#complete(
      'Title request',
      titlePrompt(mood, songs),
      { temperature: 1.1, maxTokens: 24 },
      signal,
    );
    const title = sanitiseTitle(reply);
    if (title === null) {
      throw new MoodError(MoodErrorCode.WriterUnavailable, 'Title request returned no usable title', {
        retryable: true,
      });
    }
    return title;
  }

  async #complete(
    action: string,
    prompt: ChatPrompt,
    sampling: { temperature: number; maxTokens: number },
    signal: AbortSignal | undefined,
  ): Promise<string> {
    try {
      const completion = await this.#client.chat.completions.create(
        {
          model: this.#model,
          messages: [
            { role: 'system', content: prompt.system },
            { role: 'user', content: prompt.user },
          ],
          temperature: sampling.temperature,
          max_tokens: sampling.maxTokens,
        },
        { signal },
      );
      const content = completion.choices?.[0]?.message?.content;
      if (typeof content !== 'string') {
        throw new MoodError(MoodErrorCode.WriterUnavailable, `${action} returned no text`, {
          retryable: true,
        });
      }
      return content;
    } catch (error) {
      throw toModelError(MoodErrorCode.WriterUnavailable, action, error);
    }
  }
}

/**
 * Removes reasoning that thinking models (Qwen3, DeepSeek-R1) put before the answer: whole `<think>` blocks,
 * everything before a lone `</think>` (some templates open the block in the prompt), and an unclosed
 * `<think>` cut off by `max_tokens`.
 */
export function stripThinking(text: string): string {
  let result = text.replace(/<think>[\s\S]*?<\/think>/gi, '');
  const lastClose = result.toLowerCase().lastIndexOf('</think>');
  if (lastClose !== -1) result = result.slice(lastClose + '</think>'.length);
  const open = result.toLowerCase().indexOf('<think>');
  if (open !== -1) result = result.slice(0, open);
  return result;
}

const SURROUNDING = /^[\s"'`*#_~“”‘’«»]+|[\s"'`*#_~“”‘’«»]+$/g;

/**
 * Makes a model's title safe to show in Discord and Slack: one short line that cannot ping anyone,
 * link anywhere or carry markup. Returns null when nothing usable is left.
 */
export function sanitiseTitle(raw: string): string | null {
  const firstLine =
    stripThinking(raw)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line !== '') ?? '';
  let title = firstLine
    .replace(SURROUNDING, '')
    .replace(/^(?:playlist\s+)?title\s*:\s*/i, '')
    // Markdown links keep their text; bare URLs and domains go entirely.
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\b(?:https?|ftp):\/\/\S*/gi, ' ')
    .replace(/\bwww\.\S*/gi, ' ')
    // Discord `<@id>`, `<@&role>`, `<#channel>`, `<:emoji:id>`, `<t:…>`; Slack `<!here>`, `<@U…>`, `<#C…|name>`.
    .replace(/<[^>]*>/g, ' ')
    .replace(/[<>]/g, ' ')
    .replace(/@(?:everyone|here|channel)\b/gi, ' ')
    .replace(/@/g, '')
    // Markdown / mrkdwn emphasis, code, spoilers, headings and quotes.
    .replace(/[*_~`|#]+/g, '')
    .replace(/\s+/g, ' ')
    .replace(SURROUNDING, '');
  if (title.length > MAX_TITLE_CHARS) {
    const cut = title.slice(0, MAX_TITLE_CHARS + 1);
    const lastSpace = cut.lastIndexOf(' ');
    title = (lastSpace > 0 ? cut.slice(0, lastSpace) : title.slice(0, MAX_TITLE_CHARS)).replace(
      /[\s,;:\-–—]+$/,
      '',
    );
  }
  return /[\p{L}\p{N}]/u.test(title) ? title : null;
}
