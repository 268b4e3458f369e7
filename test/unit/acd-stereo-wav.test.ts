import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  interleaveStereo,
  parseMonoWav,
  rms,
  splitStereoWav,
  WavFormatError,
} from '../../sidecar/src/acd/domain/stereo-wav.ts';

function monoWav(samples: number[], rate = 8000): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

test('caller left, agent right; the shorter side padded with silence', () => {
  const left = parseMonoWav(monoWav([100, -100, 100]));
  const right = parseMonoWav(monoWav([7, 8]));
  const stereo = interleaveStereo(left, right);
  assert.equal(stereo.readUInt16LE(22), 2);
  const { sampleRate, left: l, right: r } = splitStereoWav(stereo);
  assert.equal(sampleRate, 8000);
  assert.deepEqual([...l], [100, -100, 100]);
  assert.deepEqual([...r], [7, 8, 0]);
  assert.equal(rms(new Int16Array([3, -4])), Math.sqrt(12.5));
});

test('rejects what is not 16-bit mono PCM, and different rates', () => {
  assert.throws(() => parseMonoWav(Buffer.from('not a wav at all, really not')), WavFormatError);
  const stereo = interleaveStereo(parseMonoWav(monoWav([1])), parseMonoWav(monoWav([2])));
  assert.throws(() => parseMonoWav(stereo), /16-bit mono/);
  assert.throws(
    () => interleaveStereo(parseMonoWav(monoWav([1], 8000)), parseMonoWav(monoWav([1], 16000))),
    /sample rates differ/,
  );
});

test('a data chunk whose size Asterisk left unset is read to the end of the file', () => {
  const wav = monoWav([5, 6, 7]);
  wav.writeUInt32LE(0, 40);
  assert.deepEqual([...parseMonoWav(wav).samples], [5, 6, 7]);
});
