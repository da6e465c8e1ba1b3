/**
 * `/mood-daily set | show | stop` on Slack. Slack has no per-command permission, so whether the user manages
 * the channel is asked of users.info (a workspace admin or owner) before set or stop; the admission checks it.
 * Acknowledged at once (Slack's 3 seconds), answered privately through the command's response_url.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { DailySchedules } from '../../workers/daily.ts';
import { createDailyAdmission, dailyText } from '../../workers/daily-admission.ts';
import { DAILY_HELP, parseDailyCommand } from './commands.ts';
import { ephemeral, slackId } from './delivery.ts';
import { decodeSlackEntities } from './entities.ts';
import { mrkdwnText } from './render.ts';

const DailyPayload = z.object({
  text: z.string().max(8000).transform(decodeSlackEntities),
  user_id: slackId,
  team_id: slackId,
  channel_id: slackId,
});

const UserInfo = z.object({
  user: z.object({ is_admin: z.boolean().optional(), is_owner: z.boolean().optional() }),
});

/** Slack's date token: shown in each reader's own time zone, with a plain fallback. */
const slackDate = (ms: number) =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${new Date(ms).toISOString()}>`;

export function createDailyListener(schedules: DailySchedules, log: Logger) {
  const admission = createDailyAdmission({ schedules }, log);
  return async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const payload = DailyPayload.safeParse(command);
    if (!payload.success) return ack(ephemeral('Slack sent something I could not read. Please try again.'));
    const c = payload.data;
    const parsed = parseDailyCommand(c.text);
    if (parsed.kind === 'help') return ack(ephemeral(DAILY_HELP));
    await ack();
    let canManage = false;
    if (parsed.kind !== 'show') {
      // Asked of Slack each time: an admin demoted yesterday is no admin today.
      const info = await client.users
        .info({ user: c.user_id })
        .then((r) => UserInfo.safeParse(r))
        .catch((error: unknown) => {
          log.warn({ err: error }, 'users.info failed; treating the user as no admin');
          return undefined;
        });
      canManage = Boolean(info?.success && (info.data.user.is_admin || info.data.user.is_owner));
    }
    const verdict = await admission.submitDaily(
      {
        platform: 'slack',
        channelId: c.channel_id,
        groupId: c.team_id,
        userId: c.user_id,
        canManage,
        command: parsed,
      },
      'workspace admins',
    );
    await respond(ephemeral(dailyText(verdict, slackDate, (text) => mrkdwnText(text, 200)))).catch(
      (error: unknown) => log.warn({ err: error }, 'mood of the day answer not delivered'),
    );
  };
}
