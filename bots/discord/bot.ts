/**
 * The Discord adapter: `/mood` and the playlist buttons become `mood` jobs. It acknowledges within
 * Discord's 3-second window (a deferred reply), enqueues, and is done; the worker edits that reply.
 * It never touches the database or the models.
 */
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  MessageFlags,
  type RepliableInteraction,
} from 'discord.js';
import type { Logger } from 'pino';
import { moodProblem, parseMood } from '../../core/mood-text.ts';
import { type MoodJobData, moodJobId } from '../../workers/jobs.ts';
import type { DeliveryGuard, RequestLimits } from '../../workers/limits.ts';
import type { MoodQueue } from '../../workers/mood-queue.ts';
import { followUpRequest, type PlaylistContexts } from '../../workers/playlist-context.ts';
import { type AdminDeps, onAdmin } from './admin.ts';
import { MOOD_SIZE, parseButtonId } from './commands.ts';
import { replyPrivately } from './private-reply.ts';
import { failureMessage } from './render.ts';

export interface DiscordBotDeps {
  readonly queue: MoodQueue;
  readonly limits: RequestLimits;
  readonly deliveries: DeliveryGuard;
  readonly contexts: PlaylistContexts;
  readonly log: Logger;
  /** `/mood-admin`: absent in processes that do not administer the catalog. */
  readonly admin?: Omit<AdminDeps, 'log'>;
}

type Request = Omit<MoodJobData, 'v' | 'userId' | 'groupId' | 'requestedAt' | 'target'>;

const NO_MENTIONS = { parse: [] };

export const MESSAGES = {
  cooldown: (s: number) => `You're brewing playlists fast! Try again in ${s} s.`,
  groupCap: (s: number) =>
    `This server has used its playlists for this hour. Try again in ${Math.ceil(s / 60)} min.`,
  busy: 'Sonic Mood is busy right now and could not take your request. Please try again in a minute.',
  stale: 'That playlist is too old for this button. Run /mood again!',
  unknownButton: 'This button is no longer supported. Run /mood for a fresh playlist!',
  unknownCommand: 'Sonic Mood no longer has that command. Try /mood!',
  admin: 'Admin commands are not available in this deployment.',
} as const;

export function attachDiscordBot(client: Client, deps: DiscordBotDeps): void {
  client.on('interactionCreate', (interaction) => {
    handleInteraction(interaction, deps).catch(async (error: unknown) => {
      deps.log.error({ interactionId: interaction.id, err: String(error) }, 'interaction handling failed');
      await lastWord(interaction, deps).catch(() => {});
    });
  });
}

/**
 * Discord shows "This interaction failed" for any interaction without an initial response within 3 seconds, so
 * every one gets an answer: commands and buttons Sonic Mood does not know (an old custom_id format, another
 * app's, a retired command) a private note, autocomplete an empty list.
 */
export async function handleInteraction(interaction: Interaction, deps: DiscordBotDeps): Promise<void> {
  if (interaction.isAutocomplete()) {
    // No option of ours autocompletes: an empty list closes the picker instead of an error.
    await interaction.respond([]);
    return;
  }
  if (!interaction.isRepliable()) return;
  // Without Redis nothing can be claimed or queued: carry on, so the enqueue below tells the user "try again".
  const first = await deps.deliveries.claim('discord', interaction.id).catch((error: unknown) => {
    deps.log.warn({ interactionId: interaction.id, err: String(error) }, 'delivery claim failed');
    return true;
  });
  if (!first) {
    deps.log.info({ interactionId: interaction.id }, 'repeated delivery ignored');
    return;
  }
  if (interaction.isChatInputCommand() && interaction.commandName === 'mood')
    return onMood(interaction, deps);
  if (interaction.isChatInputCommand() && interaction.commandName === 'mood-admin') {
    if (!deps.admin) return privateNote(interaction, MESSAGES.admin);
    return onAdmin(interaction, { ...deps.admin, log: deps.log });
  }
  if (interaction.isButton()) return onButton(interaction, deps);
  deps.log.info({ interactionId: interaction.id, type: interaction.type }, 'unknown interaction answered');
  await privateNote(interaction, MESSAGES.unknownCommand);
}

function privateNote(interaction: RepliableInteraction, content: string): Promise<void> {
  return interaction
    .reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
    .then(() => undefined);
}

/** After an unexpected error: whatever state the interaction is in, the requester hears something, privately. */
async function lastWord(interaction: Interaction, deps: DiscordBotDeps): Promise<void> {
  if (!interaction.isRepliable()) return;
  if (!interaction.replied && !interaction.deferred) return privateNote(interaction, MESSAGES.busy);
  if (interaction.deferred && !interaction.replied) {
    await replyPrivately(
      interaction.client.rest,
      {
        applicationId: interaction.applicationId,
        token: interaction.token,
        ephemeral: interaction.ephemeral === true,
      },
      failureMessage(MESSAGES.busy),
    );
    return;
  }
  deps.log.info({ interactionId: interaction.id }, 'interaction already answered');
}

async function onMood(interaction: ChatInputCommandInteraction, deps: DiscordBotDeps): Promise<void> {
  const parsed = parseMood(interaction.options.getString('mood', true));
  if (!parsed.ok) {
    await interaction.reply({
      content: moodProblem(parsed),
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const size = clamp(
    interaction.options.getInteger('size') ?? MOOD_SIZE.default,
    MOOD_SIZE.min,
    MOOD_SIZE.max,
  );
  const ephemeral = interaction.options.getBoolean('private') ?? false;
  await enqueue(interaction, deps, ephemeral, { kind: 'mood', mood: parsed.text, size });
}

async function onButton(interaction: ButtonInteraction, deps: DiscordBotDeps): Promise<void> {
  const button = parseButtonId(interaction.customId);
  if (!button) {
    deps.log.info({ interactionId: interaction.id }, 'unknown button answered');
    return privateNote(interaction, MESSAGES.unknownButton);
  }
  let context: Awaited<ReturnType<PlaylistContexts['load']>>;
  try {
    context = await deps.contexts.load(button.playlistId);
  } catch (error) {
    deps.log.error({ interactionId: interaction.id, err: String(error) }, 'playlist context unavailable');
    await interaction
      .reply({ content: MESSAGES.busy, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
      .catch(() => {});
    return;
  }
  if (!context) {
    await interaction.reply({
      content: MESSAGES.stale,
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const request: Request = followUpRequest(button.action, context);
  await enqueue(interaction, deps, context.ephemeral, request);
}

async function enqueue(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  deps: DiscordBotDeps,
  ephemeral: boolean,
  request: Request,
): Promise<void> {
  const log = deps.log.child({ interactionId: interaction.id, kind: request.kind });
  const groupId = interaction.guildId;
  const verdict = await deps.limits
    .consume({
      platform: 'discord',
      userId: interaction.user.id,
      groupId,
      origin: interaction.isButton() ? 'button' : 'command',
    })
    .catch((error: unknown) => {
      // Limits are a courtesy: if Redis cannot count, the enqueue below will say whether Redis is there at all.
      log.warn({ err: String(error) }, 'rate limit check failed');
      return { ok: true } as const;
    });
  if (!verdict.ok) {
    const content =
      verdict.scope === 'user'
        ? MESSAGES.cooldown(verdict.retryAfterSeconds)
        : MESSAGES.groupCap(verdict.retryAfterSeconds);
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    return;
  }

  try {
    await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  } catch (error) {
    // A second delivery of an interaction Discord already saw fails here (40060): nothing more to do.
    log.info({ err: String(error) }, 'could not acknowledge the interaction; not enqueued');
    return;
  }

  const target = {
    platform: 'discord' as const,
    applicationId: interaction.applicationId,
    interactionId: interaction.id,
    token: interaction.token,
    ephemeral,
  };
  try {
    const outcome = await deps.queue.enqueue(moodJobId(target, interaction.id), {
      v: 1,
      ...request,
      userId: interaction.user.id,
      groupId,
      requestedAt: interaction.createdTimestamp,
      target,
    });
    log.info({ outcome }, 'mood request queued');
  } catch (error) {
    log.error({ err: String(error) }, 'enqueue failed');
    // For the requester only, as every failure. (Should Redis have taken the job and only its reply been
    // lost, the worker finds the placeholder deleted and posts nothing: no playlist after "try again".)
    await replyPrivately(
      interaction.client.rest,
      { applicationId: interaction.applicationId, token: interaction.token, ephemeral },
      failureMessage(MESSAGES.busy),
    ).catch(() => {});
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
