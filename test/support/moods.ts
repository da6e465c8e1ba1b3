/** Ordinary moods, as users type them, for tests and benchmarks that need many requests. */
export const SAMPLE_MOODS = [
  'heartbroken and crying',
  'pump-up workout',
  'rainy sunday, nostalgic but hopeful',
  'late night drive through neon rain',
  'calm and peaceful, to unwind',
  'songs to scream along to in traffic',
  'happy dance party',
  'chill lo-fi study session',
] as const;
