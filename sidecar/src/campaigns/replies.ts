// SMS replies: YES/NO in several languages, STOP-like opt-outs; anything else is unclear. Pure.
export type ReplyMeaning = 'yes' | 'no' | 'stop' | 'unclear';

function normalise(text: string): string {
  return (
    text
      .trim()
      .toUpperCase()
      .replace(/[.!?,;:"'()]+/g, ' ')
      .trim()
      .split(/\s+/)[0] ?? ''
  );
}

export function parseReply(
  body: string,
  words: { yes: readonly string[]; no: readonly string[]; stop: readonly string[] },
): ReplyMeaning {
  const first = normalise(body);
  const is = (list: readonly string[]) => list.some((w) => w.toUpperCase() === first);
  if (is(words.stop)) return 'stop';
  if (is(words.yes)) return 'yes';
  if (is(words.no)) return 'no';
  return 'unclear';
}

/** Fills {{variable}} placeholders; unknown ones are left visible rather than dropped. */
export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g, (m, name: string) => vars[name] ?? m);
}
