import type { Writer } from './ports.ts';

export type WriterStage = 'hyde' | 'title' | 'suggestions';

export interface FallbackOptions {
  /**
   * How long `primary` may take, retries included, before the call is cut short and `fallback` answers: a
   * model that hangs must cost a playlist seconds, not its client's timeout × retries.
   */
  readonly deadlineMs?: number;
}

/**
 * A writer that never fails because a remote model did: each call tries `primary` and, on any error or when
 * it passes its deadline, reports it through `onFallback` and answers with `fallback` (the local writer).
 */
export function createFallbackWriter(
  primary: Writer,
  fallback: Writer,
  onFallback?: (stage: WriterStage, error: unknown) => void,
  options: FallbackOptions = {},
): Writer {
  const within = (signal: AbortSignal | undefined): AbortSignal | undefined => {
    if (options.deadlineMs === undefined) return signal;
    const deadline = AbortSignal.timeout(options.deadlineMs);
    return signal ? AbortSignal.any([signal, deadline]) : deadline;
  };
  const report = (stage: WriterStage, error: unknown): void => {
    try {
      onFallback?.(stage, error);
    } catch {
      // A failing logger must not turn a recovered error into a failed playlist.
    }
  };
  const suggest = primary.suggestSongs?.bind(primary);
  return {
    name: `${primary.name}|fallback:${fallback.name}`,
    // Only the primary can name songs; when it fails, there are none and the mood vector carries the search.
    ...(suggest
      ? {
          async suggestSongs(mood: string, max: number, signal?: AbortSignal) {
            try {
              return await suggest(mood, max, within(signal));
            } catch (error) {
              report('suggestions', error);
              return [];
            }
          },
        }
      : {}),
    async hypotheticalLyrics(mood, signal) {
      try {
        return await primary.hypotheticalLyrics(mood, within(signal));
      } catch (error) {
        report('hyde', error);
        return fallback.hypotheticalLyrics(mood, signal);
      }
    },
    async title(mood, songs, signal) {
      try {
        return await primary.title(mood, songs, within(signal));
      } catch (error) {
        report('title', error);
        return fallback.title(mood, songs, signal);
      }
    },
  };
}
