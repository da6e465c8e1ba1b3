/**
 * What Discord checks on every message it accepts (interaction responses, webhook edits and follow-ups, channel
 * messages): the body's shape, content and embed limits, and the components' rules; problems become 50035.
 */
import type { APIMessage } from 'discord.js';
import { z } from 'zod';
import { ActionRow, componentProblems } from './components.ts';
import { DiscordError, type Problem } from './errors.ts';
import { JsonObject } from './json.ts';
import { length, problemList, zodProblems } from './problems.ts';

const EmbedMedia = z.object({ url: z.string() });

const Embed = z.object({
  title: z.string().optional(),
  description: z.string().optional(),
  url: z.string().optional(),
  timestamp: z.string().optional(),
  color: z.number().int().optional(),
  footer: z.object({ text: z.string(), icon_url: z.string().optional() }).optional(),
  image: EmbedMedia.optional(),
  thumbnail: EmbedMedia.optional(),
  author: z
    .object({ name: z.string(), url: z.string().optional(), icon_url: z.string().optional() })
    .optional(),
  fields: z
    .array(z.object({ name: z.string(), value: z.string(), inline: z.boolean().optional() }))
    .optional(),
});

const MessageBody = z.object({
  content: z.string().nullable().optional(),
  embeds: z.array(Embed).nullable().optional(),
  components: z.array(ActionRow).nullable().optional(),
  attachments: z
    .array(z.object({ id: z.union([z.string(), z.number()]), filename: z.string().optional() }))
    .nullable()
    .optional(),
  flags: z.number().int().nullable().optional(),
  allowed_mentions: JsonObject.nullable().optional(),
  tts: z.boolean().optional(),
});
export type MessageBody = z.infer<typeof MessageBody>;

export const CallbackBody = z.object({ type: z.number().int(), data: JsonObject.optional() });

/** Embed, content and component limits Discord enforces on every message it accepts. */
function messageProblems(body: MessageBody): Problem[] {
  const list = problemList();
  const { problems, tooLong, badUrl } = list;
  tooLong(['content'], body.content ?? undefined, 2000);
  const embeds = body.embeds ?? [];
  if (embeds.length > 10) tooLong(['embeds'], 'x'.repeat(embeds.length), 10);
  let total = 0;
  embeds.forEach((embed, i) => {
    tooLong(['embeds', i, 'title'], embed.title, 256);
    tooLong(['embeds', i, 'description'], embed.description, 4096);
    tooLong(['embeds', i, 'footer', 'text'], embed.footer?.text, 2048);
    tooLong(['embeds', i, 'author', 'name'], embed.author?.name, 256);
    badUrl(['embeds', i, 'url'], embed.url, ['http', 'https']);
    badUrl(['embeds', i, 'author', 'url'], embed.author?.url, ['http', 'https']);
    badUrl(['embeds', i, 'image', 'url'], embed.image?.url, ['http', 'https', 'attachment']);
    badUrl(['embeds', i, 'thumbnail', 'url'], embed.thumbnail?.url, ['http', 'https', 'attachment']);
    const fields = embed.fields ?? [];
    if (fields.length > 25) tooLong(['embeds', i, 'fields'], 'x'.repeat(fields.length), 25);
    fields.forEach((field, j) => {
      for (const key of ['name', 'value'] as const) {
        if (field[key].trim() === '') {
          problems.push({
            path: ['embeds', i, 'fields', j, key],
            code: 'BASE_TYPE_REQUIRED',
            message: 'This field is required',
          });
        }
      }
      tooLong(['embeds', i, 'fields', j, 'name'], field.name, 256);
      tooLong(['embeds', i, 'fields', j, 'value'], field.value, 1024);
      total += length(field.name) + length(field.value);
    });
    total += [embed.title, embed.description, embed.footer?.text, embed.author?.name].reduce(
      (sum, text) => sum + (text === undefined ? 0 : length(text)),
      0,
    );
  });
  if (total > 6000) {
    problems.push({
      path: ['embeds'],
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: 'Embed size exceeds maximum size of 6000',
    });
  }
  componentProblems(body.components ?? [], list);
  return problems;
}

export function parseMessageBody(raw: unknown, prefix: readonly (string | number)[] = []): MessageBody {
  const parsed = MessageBody.safeParse(raw ?? {});
  if (!parsed.success) throw DiscordError.invalidForm(zodProblems(parsed.error, prefix));
  const problems = messageProblems(parsed.data).map((p) => ({ ...p, path: [...prefix, ...p.path] }));
  if (problems.length > 0) throw DiscordError.invalidForm(problems);
  return parsed.data;
}

export function isEmptyMessage(message: APIMessage): boolean {
  return (
    message.content === '' &&
    message.embeds.length === 0 &&
    (message.components ?? []).length === 0 &&
    message.attachments.length === 0
  );
}
