// Wiring of text-to-speech for the composition root: espeak-ng behind a disk cache under
// DATA_DIR/tts, and the router that serves the files to Asterisk.
import path from 'node:path';
import type { Router } from 'express';
import type { Config } from '../config.ts';
import type { Logger } from '../ports.ts';
import { EspeakEngine } from './espeak-engine.ts';
import { speechMediaRouter } from './http.ts';
import { HttpServedSpeech } from './http-speech.ts';
import type { TextToSpeech } from './port.ts';
import { SpeechCache } from './speech-cache.ts';

export interface Speech {
  tts: TextToSpeech;
  router: Router;
  /**
   * Synthesises a text just saved, in the background, so the first caller does not wait for
   * it; a failure is only logged (the call path retries and falls back on its own).
   */
  prepare(text: string): void;
}

/** A wildcard bind (HOST=0.0.0.0) is reached on loopback by an Asterisk on the same host. */
export function reachableListenUrl(listenUrl: string): string {
  return listenUrl.replace(/^(https?:\/\/)(0\.0\.0\.0|\[::\]|::)(?=:)/, '$1127.0.0.1');
}

/** `listenUrl`: where the sidecar listens (known once HTTP is up), unless TTS_MEDIA_URL says. */
export function wireSpeech(config: Config, log: Logger, listenUrl: () => string): Speech {
  const engine = new EspeakEngine({
    voice: config.TTS_VOICE,
    espeakBin: config.TTS_ESPEAK_BIN,
    soxBin: config.TTS_SOX_BIN,
  });
  const cache = new SpeechCache(path.join(config.DATA_DIR, 'tts'), engine);
  const tlog = log.child({ part: 'tts' });
  return {
    tts: new HttpServedSpeech(cache, () => config.TTS_MEDIA_URL ?? reachableListenUrl(listenUrl())),
    router: speechMediaRouter(cache),
    prepare(text) {
      if (text.trim() === '') return;
      cache.ensure(text).catch((err: unknown) => {
        tlog.warn({ err }, 'text-to-speech failed for a saved text; callers hear the default');
      });
    },
  };
}
