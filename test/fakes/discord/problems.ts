/**
 * The problems behind Discord's 50035 Invalid Form Body: collecting them with Discord's codes and messages, and
 * reading zod's issues as them (a missing field is BASE_TYPE_REQUIRED, a wrong one BASE_TYPE_INVALID).
 */
import type { z } from 'zod';
import type { Problem } from './errors.ts';

type Path = readonly (string | number)[];
type Issue = z.ZodError['issues'][number];

/** Discord counts lengths in code points. */
export const length = (text: string): number => [...text].length;

export interface ProblemList {
  readonly problems: Problem[];
  add(path: Path, code: string, message: string): void;
  /** A text longer than `max` (arrays are checked as a text of their length). */
  tooLong(path: Path, text: string | undefined, max: number): void;
  /** A text outside `min`–`max`, for fields Discord requires to be non-empty. */
  badLength(path: Path, text: string | undefined, min: number, max: number): void;
  /** A list outside `min`–`max` items. */
  badCount(path: Path, count: number, min: number, max: number): void;
  /** An integer outside `min`–`max`. */
  outOfRange(path: Path, value: number | undefined, min: number, max: number): void;
  badUrl(path: Path, url: string | undefined, schemes: readonly string[]): void;
}

export function problemList(): ProblemList {
  const problems: Problem[] = [];
  const add = (path: Path, code: string, message: string) => {
    problems.push({ path, code, message });
  };
  const badCount = (path: Path, count: number, min: number, max: number) => {
    if (count < min || count > max) {
      add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    }
  };
  return {
    problems,
    add,
    tooLong(path, text, max) {
      if (text !== undefined && length(text) > max) {
        add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
      }
    },
    badLength(path, text, min, max) {
      if (text !== undefined) badCount(path, length(text), min, max);
    },
    badCount,
    outOfRange(path, value, min, max) {
      if (value === undefined) return;
      if (value < min) add(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
      if (value > max) add(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
    },
    badUrl(path, url, schemes) {
      if (url === undefined) return;
      let scheme: string;
      try {
        scheme = new URL(url).protocol.replace(/:$/, '');
      } catch {
        add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
        return;
      }
      if (!schemes.includes(scheme)) {
        add(
          path,
          'URL_TYPE_INVALID_SCHEME',
          `Scheme "${scheme}" is not supported. Scheme must be one of (${schemes.join(', ')}).`,
        );
      }
    },
  };
}

export function zodProblems(error: z.ZodError, prefix: Path = []): Problem[] {
  return issueProblems(error.issues, prefix);
}

function issueProblems(issues: readonly Issue[], prefix: Path): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = [...prefix, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))];
    // zod fails a union (a component of one of several types) as a whole; Discord names the wrong field of the
    // kind of component it recognised, so the closest alternative's issues stand for the union's.
    if (issue.code === 'invalid_union') {
      const closest = closestAlternative(issue.errors);
      if (closest !== undefined) return issueProblems(closest, path);
    }
    if (issue.code === 'invalid_type' && issue.message.includes('undefined')) {
      return [{ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }];
    }
    return [{ path, code: 'BASE_TYPE_INVALID', message: issue.message }];
  });
}

/** The alternative whose `type` matched with the fewest issues, when exactly one is; else none. */
function closestAlternative(alternatives: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const typed = alternatives.filter(
    (issues) => !issues.some((i) => i.path.length === 1 && i.path[0] === 'type'),
  );
  const candidates = typed.length > 0 ? typed : alternatives;
  const fewest = Math.min(...candidates.map((issues) => issues.length));
  const closest = candidates.filter((issues) => issues.length === fewest);
  return closest.length === 1 ? closest[0] : undefined;
}
