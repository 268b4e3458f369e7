// espeak-ng speaks the text (22.05 kHz WAV), sox turns it into what Asterisk's `wav` format
// plays without transcoding: 8 kHz, mono, 16-bit signed PCM.
import { rm } from 'node:fs/promises';
import type { SpeechEngine } from './port.ts';
import { runProgram } from './child-process.ts';

export interface EspeakOptions {
  voice: string;
  espeakBin: string;
  soxBin: string;
  /** Per program; a hung synthesis must not hold a caller forever. */
  timeoutMs?: number;
}

export class EspeakEngine implements SpeechEngine {
  readonly voice: string;
  constructor(private readonly opts: EspeakOptions) {
    this.voice = opts.voice;
  }

  async render(text: string, outFile: string): Promise<void> {
    const timeoutMs = this.opts.timeoutMs ?? 20_000;
    const wide = `${outFile}.espeak.wav`;
    try {
      // The text goes on stdin, never as an argument: a text starting with '-' stays text.
      await runProgram(this.opts.espeakBin, ['-v', this.voice, '-w', wide, '--stdin'], {
        stdin: text,
        timeoutMs,
      });
      await runProgram(
        this.opts.soxBin,
        [wide, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', outFile],
        { timeoutMs },
      );
    } finally {
      await rm(wide, { force: true });
    }
  }
}
