/**
 * Checks an input path before anything reads it, so a missing file, a directory or a device ends in one
 * clear line instead of an unhandled stream error. Readers re-open the file from byte offsets to resume
 * after a broken record, which needs a regular file.
 */
import { stat } from 'node:fs/promises';

/** A problem with an input file: its message is one line, meant for the operator as it is. */
export class IngestInputError extends Error {
  override readonly name = 'IngestInputError';
}

export async function inputFileSize(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new IngestInputError(`${path}: no such file`);
    if (code === 'EACCES' || code === 'EPERM') throw new IngestInputError(`${path}: permission denied`);
    throw new IngestInputError(`${path}: cannot be read (${code ?? (error as Error).message})`);
  }
  if (info.isDirectory()) throw new IngestInputError(`${path} is a directory, not a file`);
  if (!info.isFile()) throw new IngestInputError(`${path} is not a regular file`);
  return info.size;
}
