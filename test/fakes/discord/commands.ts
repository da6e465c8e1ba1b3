/**
 * Command registration: the name, description and option rules Discord applies, and `PUT`/`GET` of global and
 * guild commands with the bot token (ids survive re-registration, as on Discord).
 */
import type { IncomingMessage } from 'node:http';
import {
  type APIApplicationCommand,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  RESTJSONErrorCodes,
} from 'discord.js';
import { z } from 'zod';
import { DiscordError, type Problem } from './errors.ts';
import { requireBot } from './http.ts';
import { snowflake } from './ids.ts';
import { JsonObject } from './json.ts';
import { length, zodProblems } from './problems.ts';
import type { FakeState } from './state.ts';

const CommandOption: z.ZodType<CommandOptionShape> = z.lazy(() =>
  z.object({
    type: z.number().int(),
    name: z.string(),
    description: z.string(),
    required: z.boolean().optional(),
    options: z.array(CommandOption).optional(),
    choices: z.array(JsonObject).optional(),
  }),
);
interface CommandOptionShape {
  type: number;
  name: string;
  description: string;
  required?: boolean | undefined;
  options?: CommandOptionShape[] | undefined;
  choices?: Record<string, unknown>[] | undefined;
}

const CommandBody = z.looseObject({
  name: z.string(),
  type: z.number().int().optional(),
  description: z.string().optional(),
  options: z.array(CommandOption).optional(),
});

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Name, description and option rules Discord applies when commands are registered. */
function commandProblems(
  path: (string | number)[],
  command: { name: string; type?: number | undefined; description?: string | undefined },
  options: readonly CommandOptionShape[] | undefined,
  chatInput: boolean,
): Problem[] {
  const problems: Problem[] = [];
  if (!COMMAND_NAME.test(command.name) || (chatInput && command.name !== command.name.toLowerCase())) {
    problems.push({
      path: [...path, 'name'],
      code: 'APPLICATION_COMMAND_INVALID_NAME',
      message: 'Command name is invalid',
    });
  }
  if (chatInput) {
    const description = command.description ?? '';
    if (length(description) < 1 || length(description) > 100) {
      problems.push({
        path: [...path, 'description'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: 'Must be between 1 and 100 in length.',
      });
    }
  }
  const list = options ?? [];
  if (list.length > 25) {
    problems.push({
      path: [...path, 'options'],
      code: 'BASE_TYPE_MAX_LENGTH',
      message: 'Must be 25 or fewer in length.',
    });
  }
  let optionalSeen = false;
  const names = new Set<string>();
  list.forEach((option, i) => {
    const optionPath = [...path, 'options', i];
    if (names.has(option.name)) {
      problems.push({
        path: [...optionPath, 'name'],
        code: 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
        message: 'Option name already exists',
      });
    }
    names.add(option.name);
    const nested =
      option.type === ApplicationCommandOptionType.Subcommand ||
      option.type === ApplicationCommandOptionType.SubcommandGroup;
    if (option.required === true && optionalSeen) {
      problems.push({
        path: [...optionPath, 'required'],
        code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        message: 'Required options must be placed before non-required options',
      });
    }
    if (option.required !== true && !nested) optionalSeen = true;
    if ((option.choices ?? []).length > 25) {
      problems.push({
        path: [...optionPath, 'choices'],
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 25 or fewer in length.',
      });
    }
    problems.push(...commandProblems(optionPath, option, option.options, true));
  });
  return problems;
}

export type Commands = ReturnType<typeof createCommands>;

export function createCommands(shared: FakeState) {
  const { options, applicationId, commands, commandIds, commandPuts } = shared;

  const commandId = (name: string, guildId: string | null): string => {
    const registered = commands.get(guildId ?? '')?.get(name) ?? commands.get('')?.get(name);
    if (registered !== undefined) return registered.id;
    let id = commandIds.get(name);
    if (id === undefined) {
      id = snowflake();
      commandIds.set(name, id);
    }
    return id;
  };

  function handleCommands(
    req: IncomingMessage,
    segments: readonly string[],
    parsed: { body: unknown },
  ): { status: number; body?: unknown } {
    requireBot(req, options.botToken);
    const appId = segments[1] ?? '';
    if (appId !== applicationId)
      throw new DiscordError(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
    const guildId = segments.length === 5 ? (segments[3] ?? null) : null;
    const scope = guildId ?? '';
    if (req.method === 'GET') return { status: 200, body: [...(commands.get(scope)?.values() ?? [])] };
    const body = z.array(CommandBody).safeParse(parsed.body);
    if (!body.success) throw DiscordError.invalidForm(zodProblems(body.error));
    const problems: Problem[] = [];
    const names = new Set<string>();
    body.data.forEach((command, i) => {
      const type = command.type ?? ApplicationCommandType.ChatInput;
      const key = `${type}:${command.name}`;
      if (names.has(key)) {
        problems.push({
          path: [i, 'name'],
          code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
          message: `Application command names must be unique`,
        });
      }
      names.add(key);
      problems.push(
        ...commandProblems([i], command, command.options, type === ApplicationCommandType.ChatInput),
      );
    });
    if (body.data.length > 100) {
      problems.push({ path: [], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' });
    }
    if (problems.length > 0) throw DiscordError.invalidForm(problems);
    const previous = commands.get(scope) ?? new Map<string, APIApplicationCommand>();
    const next = new Map<string, APIApplicationCommand>();
    for (const command of body.data) {
      const type = command.type ?? ApplicationCommandType.ChatInput;
      const kept = previous.get(command.name);
      const stored = {
        ...command,
        id: kept?.id ?? commandIds.get(command.name) ?? snowflake(),
        application_id: applicationId,
        version: snowflake(),
        type,
        description: command.description ?? '',
        default_member_permissions: null,
        nsfw: false,
        ...(guildId === null ? {} : { guild_id: guildId }),
      } as APIApplicationCommand;
      commandIds.set(command.name, stored.id);
      next.set(command.name, stored);
    }
    commands.set(scope, next);
    const list = [...next.values()];
    commandPuts.push({ applicationId: appId, guildId, commands: list, body: parsed.body, at: Date.now() });
    return { status: 200, body: list };
  }

  return { commandId, handleCommands };
}
