// A sidecar killed (SIGKILL) in the middle of campaign calls: a second sidecar on the same
// database takes the campaign over once the leases lapse. The calls that were in progress are
// recorded as interrupted attempts and retried; nothing is lost and no attempt is repeated.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { AttemptEntity, TargetEntity } from '../../sidecar/src/campaigns/entities.ts';
import { ari, TEST_ADMIN_TOKEN, testDatabaseUrl } from '../support/env.ts';
import {
  api,
  baseDefinition,
  dialLog,
  startCampaignSidecar,
  TestClock,
} from '../support/campaigns.ts';

test('a crashed sidecar mid-campaign: another one resumes without losing or repeating attempts', async (tc) => {
  const db = testDatabaseUrl('campaign-restart');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/campaign-worker.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'silent',
      ARI_URL: ari.url,
      ARI_USERNAME: ari.username,
      ARI_PASSWORD: ari.password,
      ARI_APP: `t_crash_${process.pid}`,
      DATABASE_URL: db,
      CAMPAIGN_POLL_MS: '100',
      CAMPAIGN_LEASE_MS: '1500',
      OUTBOX_POLL_MS: '60000',
      ADMIN_API_TOKEN: TEST_ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  tc.after(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout });
  const next = (key: string) =>
    new Promise<Record<string, string>>((resolve) => {
      const onLine = (l: string) => {
        // ari-client prints a warning on stdout too; only our JSON lines count.
        if (!l.startsWith('{')) return;
        const msg = JSON.parse(l) as Record<string, string>;
        if (key in msg) {
          lines.off('line', onLine);
          resolve(msg);
        }
      };
      lines.on('line', onLine);
    });
  const { url } = await next('url');
  const viaChild = { url } as Parameters<typeof api>[0];

  const created = await api<{ id: string }>(viaChild, 'POST', '/api/portals/7/campaigns', {
    ...baseDefinition({
      mode: 'autoinformer',
      event: undefined,
      question: undefined,
      maxLines: 2,
      message: [{ type: 'media', media: 'sound:vm-intro' }],
      retry: { failed: { delayMs: 0, maxAttempts: 2 } },
    }),
    // Always inside the window, whatever the real date.
    windows: Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [
        d,
        [{ from: '00:00', to: '24:00' }],
      ]),
    ),
  });
  const id = created.body.id;
  const rows = Array.from({ length: 5 }, (_, i) => ({ phone: `+3905773000${i}6` }));
  await api(viaChild, 'POST', `/api/portals/7/campaigns/${id}/contacts`, { rows });
  const dialled = next('dial');
  await api(viaChild, 'POST', `/api/portals/7/campaigns/${id}/start`);
  const first = await dialled;
  // Crash in the middle of the first call (the prompt lasts seconds).
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  const log = dialLog();
  const b = await startCampaignSidecar({
    clock: new TestClock(Date.now()),
    databaseUrl: db,
    observer: log.observer,
    env: { CAMPAIGN_LEASE_MS: '1500' },
    tag: 'resume',
  });
  tc.after(() => b.shutdown());
  const targets = b.ds.getRepository(TargetEntity);
  const attempts = b.ds.getRepository(AttemptEntity);
  // Wait for every contact to be finished by the survivor (each one is dialled by it once).
  await log.hangupCount(5, 60_000);
  const all = await targets.findBy({ campaignId: id });
  assert.equal(all.length, 5);
  assert.ok(
    all.every((t) => t.state === 'done' && t.result === 'listened'),
    JSON.stringify(all.map((t) => [t.state, t.result])),
  );
  const rowsOfAttempts = await attempts.findBy({ campaignId: id });
  const interrupted = rowsOfAttempts.filter((a) => a.outcome === 'interrupted');
  assert.ok(
    interrupted.length >= 1 && interrupted.length <= 2,
    `interrupted: ${interrupted.length}`,
  );
  assert.ok(
    interrupted.some((a) => a.targetId === first.dial),
    'the call in progress at the crash is recorded',
  );
  assert.ok(
    rowsOfAttempts.every((a) => a.state === 'finished'),
    'no attempt left open',
  );
  assert.equal(rowsOfAttempts.length, 5 + interrupted.length, 'one attempt per dial, none lost');
  // Attempt numbers per contact run 1..n without gaps or repeats.
  for (const t of all) {
    const nos = rowsOfAttempts
      .filter((a) => a.targetId === t.id)
      .map((a) => a.attemptNo)
      .sort();
    assert.deepEqual(
      nos,
      Array.from({ length: t.attempts }, (_, i) => i + 1),
    );
  }
  // The survivor dialled each contact once.
  assert.equal(new Set(log.dials.map((d) => d.targetId)).size, log.dials.length);
});
