// Synthesised speech on disk, named by the SHA-256 of (voice, text): each text is synthesised
// once per voice, concurrent requests for the same text share one synthesis, and a file only
// appears (atomic rename) once it is complete — so a file that exists is one we produced.
import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SpeechEngine } from './port.ts';

const HASH = /^[0-9a-f]{64}$/;

/** Leading/trailing blanks do not change what is said: they do not make a new file. */
export function speechText(text: string): string {
  return text.trim();
}

export function speechHash(voice: string, text: string): string {
  // JSON keeps the two apart: ("a", "b c") and ("a b", "c") hash differently.
  return createHash('sha256')
    .update(JSON.stringify([voice, speechText(text)]))
    .digest('hex');
}

export class SpeechCache {
  private readonly pending = new Map<string, Promise<string>>();
  constructor(
    private readonly dir: string,
    private readonly engine: SpeechEngine,
  ) {}

  /** The hash of the WAV that speaks `text`, synthesising it unless it is on disk already. */
  async ensure(text: string): Promise<string> {
    const spoken = speechText(text);
    if (spoken === '') throw new Error('nothing to say: the text is empty');
    const hash = speechHash(this.engine.voice, spoken);
    if (await exists(this.pathOf(hash))) return hash;
    let running = this.pending.get(hash);
    if (!running) {
      running = this.synthesise(hash, spoken).finally(() => this.pending.delete(hash));
      this.pending.set(hash, running);
    }
    return running;
  }

  /** The file of a hash this cache produced, or null (bad name, never synthesised). */
  async fileOf(hash: string): Promise<string | null> {
    if (!HASH.test(hash)) return null;
    const file = this.pathOf(hash);
    return (await exists(file)) ? file : null;
  }

  private pathOf(hash: string): string {
    return path.resolve(this.dir, `${hash}.wav`);
  }

  private async synthesise(hash: string, text: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    // Ends in .wav: sox picks the output format by extension.
    const partial = path.resolve(this.dir, `${hash}.${randomUUID()}.partial.wav`);
    try {
      await this.engine.render(text, partial);
      await rename(partial, this.pathOf(hash));
    } finally {
      await rm(partial, { force: true });
    }
    return hash;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
