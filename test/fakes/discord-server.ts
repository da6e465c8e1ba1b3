/** The fake Discord's entry point, kept for the tests that import it here; the parts live in ./discord/. */
export * from './discord/index.ts';
