/**
 * Slack HTML-escapes the three characters its markup uses — `&`, `<`, `>` — in the text of slash commands
 * (and messages) it sends an app, as `&amp;`, `&lt;`, `&gt;`; no other entity occurs.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 *
 * Decoding them gives back what the user typed. Slack's own markup (`<@U123>`, `<#C123|general>`, `<!here>`,
 * `<https://…|label>`) arrives with real angle brackets and is not touched here; the mood parser strips it
 * (core/mood-text.ts), and so does it a mention the user typed out by hand, once decoded.
 */
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>' };

export function decodeSlackEntities(text: string): string {
  // One pass, so `&amp;lt;` (a typed "&lt;") becomes "&lt;" and not "<".
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) => ENTITIES[name] ?? '');
}
