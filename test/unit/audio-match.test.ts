import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bestMatch,
  crossCorrelation,
  residual,
  rmsBetween,
} from '../../test/support/audio-match.ts';

/** Deterministic pseudo-random samples (xorshift), so failures reproduce. */
function noise(length: number, amplitude: number, seed: number): Int16Array {
  let x = seed >>> 0 || 1;
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = Math.round((((x >>> 0) / 0xffffffff) * 2 - 1) * amplitude);
  }
  return out;
}

/** `base` with `insert` × gain added from sample `at`. */
function mixIn(base: Int16Array, insert: Int16Array, at: number, gain = 1): Int16Array {
  const out = Int16Array.from(base);
  for (let i = 0; i < insert.length; i++)
    out[at + i] = out[at + i]! + Math.round(gain * insert[i]!);
  return out;
}

test('FFT cross-correlation equals the direct sum at every lag', () => {
  const rec = noise(300, 1000, 7);
  const ref = noise(37, 1000, 11);
  const corr = crossCorrelation(rec, ref);
  assert.equal(corr.length, rec.length - ref.length + 1);
  for (let k = 0; k < corr.length; k++) {
    let direct = 0;
    for (let i = 0; i < ref.length; i++) direct += rec[k + i]! * ref[i]!;
    assert.ok(Math.abs(corr[k]! - direct) < 1e-3 * Math.max(1, Math.abs(direct)), `lag ${k}`);
  }
  assert.equal(crossCorrelation(ref, rec).length, 0, 'a reference longer than the recording');
});

test('a scaled copy in silence is found at its lag with score 1 and its gain', () => {
  const ref = noise(800, 8000, 3);
  const rec = mixIn(new Int16Array(8000), ref, 2345, 0.5);
  const m = bestMatch(rec, ref);
  assert.equal(m.lag, 2345);
  assert.ok(m.score > 0.999, `score ${m.score}`);
  assert.ok(Math.abs(m.gain - 0.5) < 0.01, `gain ${m.gain}`);
});

test('an unrelated signal scores low; a copy under equal-power other sound scores about 0.7', () => {
  const ref = noise(800, 8000, 3);
  const other = noise(8000, 8000, 99);
  assert.ok(bestMatch(other, ref).score < 0.2, 'unrelated noise');
  // x = r + m with |m| = |r| over the window: score = 1/√2.
  const m = bestMatch(mixIn(other, ref, 4000), ref);
  assert.equal(m.lag, 4000);
  assert.ok(Math.abs(m.score - Math.SQRT1_2) < 0.05, `score ${m.score}`);
});

test('the search can be limited to a range of lags; silence scores 0', () => {
  const ref = noise(100, 5000, 5);
  const rec = mixIn(mixIn(new Int16Array(3000), ref, 500), ref, 2000, 0.8);
  assert.equal(bestMatch(rec, ref, 1000).lag, 2000);
  assert.equal(bestMatch(rec, ref, 0, 1000).lag, 500);
  assert.equal(bestMatch(new Int16Array(1000), ref).score, 0);
});

test('residual removes the matched prompts and leaves what else was heard', () => {
  const a = noise(400, 6000, 21);
  const b = noise(300, 6000, 22);
  const clean = mixIn(mixIn(new Int16Array(2000), a, 200), b, 700, 0.5);
  const parts = [
    { reference: a, match: bestMatch(clean, a) },
    { reference: b, match: bestMatch(clean, b) },
  ];
  assert.ok(rmsBetween(residual(clean, parts, 100, 1100), 0, 1000) < 5);
  const hum = noise(2000, 1000, 23);
  const mixed = mixIn(hum, clean, 0);
  const left = residual(mixed, parts, 100, 1100);
  const humRms = rmsBetween(hum, 100, 1100);
  assert.ok(Math.abs(rmsBetween(left, 0, 1000) - humRms) < 0.05 * humRms);
});

test('rmsBetween clamps the window to the samples', () => {
  const s = Int16Array.from([3, -3, 3, -3]);
  assert.equal(rmsBetween(s, -5, 2), 3);
  assert.equal(rmsBetween(s, 2, 99), 3);
  assert.equal(rmsBetween(s, 3, 3), 0);
});
