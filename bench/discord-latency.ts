/**
 * `npm run bench:discord`: time from a Discord `/mood` interaction to its edited playlist message over the
 * local stack (fake Discord, real discord.js bot, Redis/BullMQ, worker, core on native PostgreSQL).
 * 50 interactions one after another, then 50 at once. Prints p50/p95/max. Then the burst of 2,000
 * (discord-burst.ts) on real processes, gateway and HTTP mode. `-- --burst-only` runs the burst alone,
 * `-- --no-burst` the latency runs alone.
 */
import { type DiscordStack, startDiscordStack } from '../test/support/discord-stack.ts';
import { SAMPLE_MOODS } from '../test/support/moods.ts';
import { runDiscordBurst } from './discord-burst.ts';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function fire(stack: DiscordStack, i: number): Promise<number> {
  const started = Date.now();
  const interaction = stack.fake.dispatchInteraction(
    stack.fake.chatInput({
      name: 'mood',
      options: [{ name: 'mood', type: 3, value: SAMPLE_MOODS[i % SAMPLE_MOODS.length] ?? 'sad' }],
      userId: String(600000000000000000n + BigInt(i)),
    }),
  );
  const edit = await stack.fake.waitFor(
    () => stack.fake.edits.find((e) => e.token === interaction.token),
    120_000,
  );
  return edit.at - started;
}

const args = process.argv.slice(2);
if (!args.includes('--burst-only')) await latency();
if (!args.includes('--no-burst')) await runDiscordBurst();

async function latency(): Promise<void> {
  const stack = await startDiscordStack();
  await stack.startWorker();
  try {
    await fire(stack, 999); // warm-up: JIT, connection pools
    const sequential: number[] = [];
    for (let i = 0; i < 50; i++) sequential.push(await fire(stack, i));
    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => fire(stack, 100 + i)));
    const row = (name: string, values: number[]) => {
      const s = [...values].sort((a, b) => a - b);
      return `| ${name} | ${values.length} | ${percentile(s, 50)} | ${percentile(s, 95)} | ${s[s.length - 1]} |`;
    };
    console.log(
      `\nDiscord /mood → edited message, ms (worker concurrency ${stack.config.queue.concurrency})\n`,
    );
    console.log('| run | interactions | p50 | p95 | max |\n| --- | ---: | ---: | ---: | ---: |');
    console.log(row('one at a time', sequential));
    console.log(row('50 at once', burst));
  } finally {
    await stack.close();
  }
}
