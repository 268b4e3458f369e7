// What the test runner (scripts/test.ts) tells each test file about the shared real parts.
import { AsteriskSandbox } from '../../asterisk/sandbox.ts';
import { freshMysqlDatabase } from './mysql-database.ts';

export const ari = {
  url: process.env.TEST_ARI_URL ?? 'http://127.0.0.1:18088',
  username: process.env.TEST_ARI_USERNAME ?? 'centralino',
  password: process.env.TEST_ARI_PASSWORD ?? 'centralino',
};

/** Same instance the runner started; tests that kill and restart Asterisk use it. */
export function testAsterisk(): AsteriskSandbox {
  return new AsteriskSandbox({
    name: process.env.TEST_ASTERISK_NAME ?? 'test',
    ariPort: Number(new URL(ari.url).port),
    sipPort: Number(process.env.TEST_SIP_PORT ?? 15060),
    trunkPeerPort: Number(process.env.TEST_TRUNK_PEER_PORT ?? 15070),
    rtpStart: Number(process.env.TEST_RTP_START ?? 30000),
  });
}

/** Database for this test file: the runner's MariaDB, or a fresh SQLite file. */
export function testDatabaseUrl(tag: string): string {
  return (
    process.env.DATABASE_URL ??
    `sqlite:/tmp/centralino-test/${tag}-${process.pid}-${Date.now()}.sqlite`
  );
}

/**
 * A database no other test file writes to. On MariaDB the suite's files share one database, and
 * a write-back worker delivers every account's outbox rows: the rows earlier files left behind
 * (accounts with no CRM here, retried with backoff) would compete with the file's own. On SQLite,
 * a fresh file as always.
 */
export async function isolatedTestDatabaseUrl(tag: string): Promise<string> {
  const shared = process.env.DATABASE_URL;
  if (!shared?.match(/^(mysql|mariadb):/)) return testDatabaseUrl(tag);
  const base = new URL(shared.replace(/^mariadb:/, 'mysql:')).pathname.slice(1);
  return freshMysqlDatabase(shared, `${base}_${tag.replace(/\W/g, '_')}`.slice(0, 64));
}

/** First of 500 ports this test run may bind (see CENTRALINO_TEST_SLOT in scripts/test.ts). */
export const testPortBase = Number(process.env.TEST_PORT_BASE ?? 41000);

/** ADMIN_API_TOKEN of every test sidecar: the operator APIs' helpers send it. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const adminAuth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } as const;
