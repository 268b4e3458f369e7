// Shared pieces of `npm run bench`: each file in suites/ exports `metrics` (the ids it reports)
// and `run(ctx)`; the runner picks the suites whose metrics match the prefix given.
import type { AsteriskSandbox } from '../../asterisk/sandbox.ts';

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  target: string;
  command: string;
}

export interface BenchContext {
  /** The bench Asterisk instance, started; suites may start more instances of their own. */
  asterisk: AsteriskSandbox;
  /** The command that reproduces this run, for the table. */
  command: string;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
