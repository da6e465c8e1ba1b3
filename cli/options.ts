/** Parsers of command-line option values; a bad value is refused with what it should be. */
import { InvalidArgumentError } from 'commander';

export const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

export const percent = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
    throw new InvalidArgumentError('a percentage from 0 to 100');
  return n / 100;
};
