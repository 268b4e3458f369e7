// The TextToSpeech the flows use: cached synthesis, played by Asterisk from our HTTP server.
// Asterisk and the sidecar need not share a filesystem (the sandbox PBX runs in a chroot, a
// customer's PBX on another host); `sound:http://…` makes Asterisk download the file through
// res_http_media_cache and play it like a local sound.
import type { TextToSpeech } from './port.ts';
import { SPEECH_PATH } from './http.ts';
import type { SpeechCache } from './speech-cache.ts';

export class HttpServedSpeech implements TextToSpeech {
  constructor(
    private readonly cache: SpeechCache,
    /** How Asterisk reaches this sidecar, e.g. http://127.0.0.1:8080 (no trailing slash). */
    private readonly mediaBaseUrl: () => string,
  ) {}

  async mediaFor(text: string): Promise<string> {
    const hash = await this.cache.ensure(text);
    // The long name also avoids an Asterisk 22 bug: a URL shorter than the media cache's local
    // file path fails to play ("does not exist in any format"), its buffer is sized by the URL.
    return `sound:${this.mediaBaseUrl().replace(/\/+$/, '')}${SPEECH_PATH}/${hash}.wav`;
  }
}
