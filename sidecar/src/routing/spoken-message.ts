// What a caller hears for a message an admin set (emergency announcement, holiday/closure):
// a recording, a typed text spoken by text-to-speech, or the flows file's default.
import type { Logger } from '../ports.ts';
import type { TextToSpeech } from '../tts/port.ts';
import type { FlowContext } from './context.ts';

export type MessageSource =
  { kind: 'media'; media: string } | { kind: 'speech'; text: string } | { kind: 'default' };

/**
 * Precedence: an explicit recording (`media`) wins over a typed text — it is a deliberate
 * choice of a real voice, and the text may be its transcript; then the text, spoken; then the
 * default (the flows file's media). A blank text is no text.
 */
export function messageSource(message: {
  media?: string | null | undefined;
  text?: string | null | undefined;
}): MessageSource {
  if (message.media) return { kind: 'media', media: message.media };
  const text = message.text?.trim();
  if (text) return { kind: 'speech', text };
  return { kind: 'default' };
}

export interface SpokenMessageDeps {
  tts: TextToSpeech;
  log: Logger;
}

/**
 * Plays the message; `fallback` (the file's media, if any) when there is nothing else or when
 * the speech cannot be made or played. Text-to-speech never fails a call.
 */
export async function playMessage(
  ctx: FlowContext,
  message: { media?: string | null | undefined; text?: string | null | undefined },
  fallback: string | undefined,
  deps: SpokenMessageDeps,
): Promise<void> {
  const source = messageSource(message);
  if (source.kind === 'media') {
    await ctx.call.play(source.media);
    return;
  }
  if (source.kind === 'speech') {
    let media: string | undefined;
    try {
      media = await deps.tts.mediaFor(source.text);
    } catch (err) {
      deps.log.warn({ err }, 'text-to-speech failed; playing the default message');
    }
    if (media && (await ctx.call.play(media)) === 'done') return;
    if (media) deps.log.warn({ media }, 'Asterisk could not play the speech; playing the default');
    ctx.notes.push('The typed message could not be spoken (text-to-speech failed)');
  }
  if (fallback) await ctx.call.play(fallback);
}
