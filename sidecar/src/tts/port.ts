// Text-to-speech as the call flows see it: a text in, a media URI Asterisk can play out. The
// engine behind it is an outside program (espeak-ng + sox), so it sits behind these ports.

export interface TextToSpeech {
  /**
   * The media URI that speaks `text` (`sound:http://…/media/tts/<sha256>.wav`), synthesised on
   * first use and cached. Rejects when synthesis fails: callers then play their default media.
   */
  mediaFor(text: string): Promise<string>;
}

/** A speech engine: writes `text`, spoken, as an 8 kHz mono 16-bit PCM WAV to `outFile`. */
export interface SpeechEngine {
  /** The voice in use: part of the cache key, so changing it re-synthesises every text. */
  readonly voice: string;
  render(text: string, outFile: string): Promise<void>;
}
