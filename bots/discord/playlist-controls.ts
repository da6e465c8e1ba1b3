/**
 * A shown playlist's controls on Discord and the submission every mood request shares: Another take, More like
 * this, Refine… (a modal, then an update of the playlist's message), Swap a song… (a select menu, the same
 * update), 👍 / 👎 (a vote, answered privately). The admission (workers/admission.ts) decides; this renders.
 */
import type { REST } from '@discordjs/rest';
import { InteractionResponseType, MessageFlags } from 'discord.js';
import { moodProblem, parseMood } from '../../core/mood-text.ts';
import { limitMessage, type MoodAdmission, type MoodAsk, type MoodVerdict } from '../../workers/admission.ts';
import { type PlaylistControl, refinementProblem } from '../../workers/playlist-context.ts';
import { voteText } from '../../workers/votes.ts';
import { type InitialResponse, MESSAGES, privateNote, replyOf } from './answers.ts';
import { REFINE_INPUT_ID } from './commands.ts';
import type { DiscordInteraction } from './interaction.ts';
import { privateFollowUp, replyPrivately } from './private-reply.ts';
import { failureMessage, refineModal } from './render.ts';

export interface PlaylistControls {
  /** A mood request (typed or from a control) through the admission, acknowledged and answered. */
  submit(interaction: DiscordInteraction, respond: InitialResponse, ask: MoodAsk): Promise<void>;
  /** A playlist's button, menu or modal: a follow-up job, the refine modal, or a vote. */
  onControl(
    interaction: DiscordInteraction,
    respond: InitialResponse,
    control: { control: PlaylistControl; playlistId: string },
  ): Promise<void>;
}

export function createPlaylistControls(moods: MoodAdmission, rest: REST): PlaylistControls {
  return { submit, onControl };

  async function onControl(
    interaction: DiscordInteraction,
    respond: InitialResponse,
    { control, playlistId }: { control: PlaylistControl; playlistId: string },
  ): Promise<void> {
    const { what } = interaction;
    switch (control) {
      case 'take':
      case 'like':
        return submit(interaction, respond, { origin: 'button', action: control, playlistId });
      case 'up':
      case 'down': {
        const verdict = await moods.submitVote({
          platform: 'discord',
          userId: interaction.userId ?? '',
          groupId: interaction.guildId,
          playlistId,
          vote: control,
        });
        return respond(privateNote(voteText(verdict, control)));
      }
      case 'swap': {
        const songId = what.kind === 'select' ? what.values[0] : undefined;
        if (!songId) return respond(privateNote(MESSAGES.unknownButton));
        return submit(interaction, respond, { origin: 'swap', playlistId, songId });
      }
      case 'refine': {
        if (what.kind !== 'modal') {
          // The modal is the answer to the press itself: it cannot wait for a job, and asks nothing of one.
          const check = await moods.canFollow(playlistId, interaction.userId ?? '');
          if (check.status === 'refused') return respond(privateNote(check.message));
          return respond({ type: InteractionResponseType.Modal, data: refineModal(playlistId) });
        }
        const parsed = parseMood(what.fields.get(REFINE_INPUT_ID) ?? '');
        if (!parsed.ok) return respond(privateNote(moodProblem(parsed)));
        const problem = refinementProblem(parsed.text);
        if (problem) return respond(privateNote(problem));
        return submit(interaction, respond, { origin: 'refine', playlistId, text: parsed.text });
      }
    }
  }

  async function submit(
    interaction: DiscordInteraction,
    respond: InitialResponse,
    ask: MoodAsk,
  ): Promise<void> {
    // A refine or a swap edits the playlist it came from: the deferral is an update of that message.
    const update = ask.origin === 'refine' || ask.origin === 'swap';
    const verdict = await moods.submitMood(
      {
        interactionKey: interaction.id,
        userId: interaction.userId ?? '',
        groupId: interaction.guildId,
        requestedAt: interaction.createdAt,
        target: {
          platform: 'discord',
          applicationId: interaction.applicationId,
          interactionId: interaction.id,
          token: interaction.token,
          ...(update ? { update } : {}),
        },
        ask,
      },
      (ephemeral) =>
        respond(
          update
            ? { type: InteractionResponseType.DeferredMessageUpdate }
            : {
                type: InteractionResponseType.DeferredChannelMessageWithSource,
                ...(ephemeral ? { data: { flags: MessageFlags.Ephemeral } } : {}),
              },
        ),
    );
    await render(interaction, respond, verdict, update);
  }

  async function render(
    interaction: DiscordInteraction,
    respond: InitialResponse,
    verdict: MoodVerdict,
    update: boolean,
  ) {
    switch (verdict.status) {
      case 'queued':
      case 'unacknowledged':
        return;
      case 'limited':
        return respond(privateNote(limitMessage(verdict, 'server')));
      case 'stale':
        return respond(privateNote(MESSAGES.stale));
      case 'refused':
        return respond(privateNote(verdict.message));
      case 'unavailable':
        if (!verdict.acknowledged) return respond(privateNote(MESSAGES.busy));
        // An update's deferral left the playlist as it was: the apology is a private follow-up beside it.
        if (update)
          return privateFollowUp(rest, replyOf(interaction, true), failureMessage(MESSAGES.busy)).catch(
            () => {},
          );
        // For the requester only, as every failure. (Should Redis have taken the job and only its reply been
        // lost, the worker finds the placeholder deleted and posts nothing: no playlist after "try again".)
        await replyPrivately(
          rest,
          replyOf(interaction, verdict.ephemeral),
          failureMessage(MESSAGES.busy),
        ).catch(() => {});
    }
  }
}
