/** Discord's error bodies: `{ message, code }`, and Invalid Form Body with its problems nested by path. */
import { RESTJSONErrorCodes } from 'discord.js';
import { isRecord } from './json.ts';

/** One field Discord refuses, at its path in the body. */
export interface Problem {
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly message: string;
}

export class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  static unauthorized(): DiscordError {
    return new DiscordError(401, 0, '401: Unauthorized');
  }

  static notFound(): DiscordError {
    return new DiscordError(404, 0, '404: Not Found');
  }

  static unknownInteraction(): DiscordError {
    return new DiscordError(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction');
  }

  static unknownWebhook(): DiscordError {
    return new DiscordError(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook');
  }

  static unknownMessage(): DiscordError {
    return new DiscordError(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message');
  }

  static unknownChannel(): DiscordError {
    return new DiscordError(404, RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel');
  }

  static missingAccess(): DiscordError {
    return new DiscordError(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
  }

  static emptyMessage(): DiscordError {
    return new DiscordError(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message');
  }

  /** Invalid Form Body: problems nest by path, each leaf holding `_errors`. */
  static invalidForm(problems: readonly Problem[]): DiscordError {
    const errors: Record<string, unknown> = {};
    for (const problem of problems) {
      let node = errors;
      for (const key of problem.path) {
        const existing = node[String(key)];
        const next = isRecord(existing) ? existing : {};
        node[String(key)] = next;
        node = next;
      }
      const list = Array.isArray(node._errors) ? node._errors : [];
      list.push({ code: problem.code, message: problem.message });
      node._errors = list;
    }
    return new DiscordError(
      400,
      RESTJSONErrorCodes.InvalidFormBodyOrContentType,
      'Invalid Form Body',
      errors,
    );
  }

  body(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }
}
