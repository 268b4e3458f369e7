// npm run bench [-- <metric-prefix>]: benchmarks on the real parts (Asterisk sandbox, SQLite or
// DATABASE_URL, HubSpot sandbox). Runs every suite in suites/ whose metric ids match the prefix,
// prints a table and writes bench-results.json.
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AsteriskSandbox } from '../../asterisk/sandbox.ts';
import type { BenchContext, BenchRow } from './bench-kit.ts';

interface Suite {
  metrics: string[];
  settings?: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

const prefix = process.argv[2] ?? '';
const command = `npm run bench${prefix ? ` -- ${prefix}` : ''}`;
const dir = path.join(import.meta.dirname, 'suites');
const files = (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort();
const suites: [string, Suite][] = [];
for (const f of files) {
  const suite = (await import(path.join(dir, f))) as Suite;
  if (suite.metrics.some((m) => m.startsWith(prefix))) suites.push([f, suite]);
}

// CENTRALINO_TEST_SLOT (as for npm test) gives side-by-side runs their own instance and ports.
const slot = Number(process.env.CENTRALINO_TEST_SLOT ?? 0);
const asterisk = new AsteriskSandbox({
  name: slot === 0 ? 'bench' : `bench-${slot}`,
  ariPort: 28088 + slot,
  sipPort: 25060 + 20 * slot,
  trunkPeerPort: 25070 + 20 * slot,
  rtpStart: 40000 + 2000 * slot,
});
await asterisk.start();
const rows: BenchRow[] = [];
for (const [file, suite] of suites) {
  console.log(`bench: ${file}${suite.settings ? ` (${suite.settings})` : ''}`);
  rows.push(...(await suite.run({ asterisk, command })).filter((r) => r.metric.startsWith(prefix)));
}
await asterisk.stop();

console.table(rows.map(({ metric, value, unit, target }) => ({ metric, value, unit, target })));
console.log(
  `reproduce: ${command}   (${suites
    .map(([, s]) => s.settings)
    .filter(Boolean)
    .join(' ')}, database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'SQLite'})`,
);
await writeFile('bench-results.json', `${JSON.stringify(rows, null, 2)}\n`);
process.exit(0);
