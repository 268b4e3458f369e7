// Two mono 16-bit PCM WAV recordings (caller, agent) → one stereo WAV with the caller on the
// left channel and the agent on the right (T4). Pure buffer code; the shorter side is padded
// with silence at its end (both snoops start within milliseconds of each other).
export interface PcmMono {
  sampleRate: number;
  samples: Int16Array;
}

export class WavFormatError extends Error {
  readonly code = 'WAV_FORMAT';
}

export function parseMonoWav(buf: Buffer): PcmMono {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new WavFormatError('not a RIFF/WAVE file');
  let offset = 12;
  let sampleRate = 0;
  let fmtOk = false;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    let size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(body);
      const channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      const bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16)
        throw new WavFormatError(
          `need 16-bit mono PCM, got format ${format}, ${channels} ch, ${bits} bit`,
        );
      fmtOk = true;
    } else if (id === 'data') {
      if (!fmtOk) throw new WavFormatError('data chunk before fmt chunk');
      // Asterisk may leave the size unset when a file was not closed cleanly: take what is there.
      if (size === 0 || body + size > buf.length) size = buf.length - body;
      const pcm = buf.subarray(body, body + size - (size % 2));
      const samples = new Int16Array(pcm.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = pcm.readInt16LE(i * 2);
      return { sampleRate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new WavFormatError('no data chunk');
}

function header(channels: number, sampleRate: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export function interleaveStereo(left: PcmMono, right: PcmMono): Buffer {
  if (left.sampleRate !== right.sampleRate)
    throw new WavFormatError(`sample rates differ: ${left.sampleRate} vs ${right.sampleRate}`);
  const frames = Math.max(left.samples.length, right.samples.length);
  const data = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    data.writeInt16LE(left.samples[i] ?? 0, i * 4);
    data.writeInt16LE(right.samples[i] ?? 0, i * 4 + 2);
  }
  return Buffer.concat([header(2, left.sampleRate, data.length), data]);
}

/** Splits a 16-bit stereo WAV into its channels (tests and the player use it). */
export function splitStereoWav(buf: Buffer): {
  sampleRate: number;
  left: Int16Array;
  right: Int16Array;
} {
  if (buf.readUInt16LE(22) !== 2) throw new WavFormatError('not stereo');
  const sampleRate = buf.readUInt32LE(24);
  const mono = parseMonoWav(
    Buffer.concat([buf.subarray(0, 22), Buffer.from([1, 0]), buf.subarray(24)]),
  ).samples;
  // parseMonoWav read the interleaved data as one stream: de-interleave it.
  const left = new Int16Array(Math.floor(mono.length / 2));
  const right = new Int16Array(left.length);
  for (let i = 0; i < left.length; i++) {
    left[i] = mono[i * 2]!;
    right[i] = mono[i * 2 + 1]!;
  }
  return { sampleRate, left, right };
}

/** Root-mean-square level of a channel, to check a side carries audio. */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / samples.length);
}
