// npm test: unit and integration tests on the real parts. Starts a dedicated Asterisk sandbox
// (its own ports, so it can run beside `npm start`), gives MariaDB runs a fresh database, and
// runs every *.test.ts with node's test runner, one file at a time (they share the PBX).
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { AsteriskSandbox } from '../asterisk/sandbox.ts';
import { freshMysqlDatabase } from '../test/support/mysql-database.ts';

const root = path.resolve(import.meta.dirname, '..');
const filter = process.argv.slice(2);

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

// CENTRALINO_TEST_SLOT lets several checkouts run their suites side by side on one machine:
// each slot gets its own Asterisk instance, ports, free-port range and MariaDB database.
const slot = Number(process.env.CENTRALINO_TEST_SLOT ?? 0);
const asterisk = new AsteriskSandbox({
  name: slot === 0 ? 'test' : `test-${slot}`,
  ariPort: 18088 + slot,
  sipPort: 15060 + 20 * slot,
  trunkPeerPort: 15070 + 20 * slot,
  rtpStart: 30000 + 2000 * slot,
});
const env: NodeJS.ProcessEnv = {
  ...process.env,
  TEST_ARI_URL: asterisk.ariUrl,
  TEST_ARI_USERNAME: asterisk.ariUsername,
  TEST_ARI_PASSWORD: asterisk.ariPassword,
  TEST_SIP_PORT: String(asterisk.sipPort),
  TEST_TRUNK_PEER_PORT: String(asterisk.trunkPeerPort),
  TEST_ASTERISK_NAME: asterisk.name,
  TEST_RTP_START: String(asterisk.rtpStart),
  // First of 500 ports this slot's tests may bind (SIPp agents and trunk peers).
  TEST_PORT_BASE: String(41000 + 500 * slot),
};
if (process.env.DATABASE_URL?.match(/^(mysql|mariadb):/)) {
  env.DATABASE_URL = await freshMysqlDatabase(
    process.env.DATABASE_URL,
    slot === 0 ? 'centralino_test' : `centralino_test_${slot}`,
  );
  console.log(`database: MariaDB/MySQL (${new URL(env.DATABASE_URL).pathname.slice(1)})`);
} else {
  delete env.DATABASE_URL;
  console.log('database: embedded SQLite');
}

let files = [...(await testFiles('test/unit')), ...(await testFiles('test/integration'))];
if (filter.length > 0) files = files.filter((f) => filter.some((needle) => f.includes(needle)));

// The crm-app card tests (vitest + @hubspot/ui-extensions/testing) run with the whole suite,
// or when a filter names crm-app; a filter naming only crm-app skips the node:test part.
const runCards = filter.length === 0 || filter.some((f) => f.includes('crm-app'));
const runNode = files.length > 0 || filter.length === 0;

await asterisk.start();
console.log(`Asterisk sandbox up: ARI ${asterisk.ariUrl}, SIP 127.0.0.1:${asterisk.sipPort}`);
const code = !runNode
  ? 0
  : await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
        { cwd: root, env, stdio: 'inherit' },
      );
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
await asterisk.stop();
const cardCode = !runCards
  ? 0
  : await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'],
        { cwd: path.join(root, 'crm-app'), env, stdio: 'inherit' },
      );
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
process.exit(code || cardCode);
