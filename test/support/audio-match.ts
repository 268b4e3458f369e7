// Finding a known prompt in a recording of what a caller heard: normalised cross-correlation
// (computed for every lag at once with an FFT, so a 15 s recording and a 5 s prompt take
// milliseconds), the gain and residual at the best lag, and RMS over windows. Pure code.

/** Where a reference signal sits best in a recording. */
export interface Match {
  /** First sample of the reference in the recording. */
  lag: number;
  /** Normalised cross-correlation at that lag: 1 = the same shape, ~0 = unrelated. */
  score: number;
  /** Least-squares scale of the reference at that lag (recording ≈ gain × reference). */
  gain: number;
}

/** In-place iterative radix-2 FFT (`inverse`: without the 1/n scaling). */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / size;
    const wRe = Math.cos(angle);
    const wIm = Math.sin(angle);
    for (let start = 0; start < n; start += size) {
      let uRe = 1;
      let uIm = 0;
      for (let k = 0; k < size / 2; k++) {
        const a = start + k;
        const b = a + size / 2;
        const tRe = re[b]! * uRe - im[b]! * uIm;
        const tIm = re[b]! * uIm + im[b]! * uRe;
        re[b] = re[a]! - tRe;
        im[b] = im[a]! - tIm;
        re[a] = re[a]! + tRe;
        im[a] = im[a]! + tIm;
        const next = uRe * wRe - uIm * wIm;
        uIm = uRe * wIm + uIm * wRe;
        uRe = next;
      }
    }
  }
}

/** c[k] = Σ recording[k + i] · reference[i], for k = 0 … recording.length − reference.length. */
export function crossCorrelation(recording: Int16Array, reference: Int16Array): Float64Array {
  const lags = recording.length - reference.length + 1;
  if (lags <= 0) return new Float64Array(0);
  let n = 1;
  while (n < recording.length + reference.length) n <<= 1;
  const aRe = new Float64Array(n);
  const aIm = new Float64Array(n);
  const bRe = new Float64Array(n);
  const bIm = new Float64Array(n);
  aRe.set(recording);
  bRe.set(reference);
  fft(aRe, aIm, false);
  fft(bRe, bIm, false);
  // A · conj(B): correlation, not convolution.
  for (let i = 0; i < n; i++) {
    const re = aRe[i]! * bRe[i]! + aIm[i]! * bIm[i]!;
    const im = aIm[i]! * bRe[i]! - aRe[i]! * bIm[i]!;
    aRe[i] = re;
    aIm[i] = im;
  }
  fft(aRe, aIm, true);
  const out = new Float64Array(lags);
  for (let k = 0; k < lags; k++) out[k] = aRe[k]! / n;
  return out;
}

/**
 * The lag in [from, to) (reference start positions, clamped to the recording) where the
 * reference fits best by normalised cross-correlation. A silent stretch scores 0.
 */
export function bestMatch(
  recording: Int16Array,
  reference: Int16Array,
  from = 0,
  to = recording.length,
): Match {
  const corr = crossCorrelation(recording, reference);
  let refEnergy = 0;
  for (const s of reference) refEnergy += s * s;
  // Energy of each recording window of the reference's length, from prefix sums.
  const prefix = new Float64Array(recording.length + 1);
  for (let i = 0; i < recording.length; i++) prefix[i + 1] = prefix[i]! + recording[i]! ** 2;
  let best: Match = { lag: -1, score: -Infinity, gain: 0 };
  const end = Math.min(to, corr.length);
  for (let k = Math.max(0, from); k < end; k++) {
    const winEnergy = prefix[k + reference.length]! - prefix[k]!;
    const denom = Math.sqrt(refEnergy * winEnergy);
    const score = denom > 0 ? corr[k]! / denom : 0;
    if (score > best.score)
      best = { lag: k, score, gain: refEnergy > 0 ? corr[k]! / refEnergy : 0 };
  }
  return best;
}

/** RMS of samples[from, to), clamped to the array. */
export function rmsBetween(samples: ArrayLike<number>, from: number, to: number): number {
  const a = Math.max(0, Math.floor(from));
  const b = Math.min(samples.length, Math.floor(to));
  if (b <= a) return 0;
  let sum = 0;
  for (let i = a; i < b; i++) sum += samples[i]! ** 2;
  return Math.sqrt(sum / (b - a));
}

/**
 * What is left in the recording over [from, to) once each matched reference (scaled by its
 * gain, at its lag) is taken out: near zero when the caller heard the prompts and nothing else.
 */
export function residual(
  recording: Int16Array,
  parts: readonly { reference: Int16Array; match: Match }[],
  from: number,
  to: number,
): Float64Array {
  const out = new Float64Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = recording[from + i] ?? 0;
  for (const { reference, match } of parts)
    for (let i = 0; i < reference.length; i++) {
      const j = match.lag + i - from;
      if (j >= 0 && j < out.length) out[j] = out[j]! - match.gain * reference[i]!;
    }
  return out;
}
