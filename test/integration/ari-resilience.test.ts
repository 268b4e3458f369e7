// Real Asterisk: the sidecar survives the PBX dying under it, and does not grow per call.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
import { ari, testAsterisk } from '../support/env.ts';
import { startTestSidecar, waitFor, type TestSidecar } from '../support/harness.ts';

let sidecar: TestSidecar;
before(async () => {
  sidecar = await startTestSidecar({}, 'ari');
});
after(async () => {
  await sidecar.shutdown();
});

const readyz = async () => (await fetch(`${sidecar.url}/readyz`)).status;

test('a call through the real PBX is answered, greeted, hung up and logged', async () => {
  const call = await sidecar.call({ from: '0577111222', to: '0577235501' });
  assert.equal(call.outcome, 'COMPLETED');
  assert.equal(call.fromNumber, '+390577111222');
  assert.equal(call.toNumber, '+390577235501');
  assert.ok(call.answeredAt !== null && call.answeredAt >= call.startedAt);
  assert.ok(call.endedAt >= call.answeredAt);
  assert.equal(sidecar.telephony.status().activeCalls, 0);
});

test('Asterisk killed and restarted: /readyz goes red, then green, and the next call is handled', async () => {
  const asterisk = testAsterisk();
  assert.equal(await readyz(), 200);
  await asterisk.kill();
  await waitFor(async () => (await readyz()) === 503, 10_000, '/readyz to turn red');
  const body = (await (await fetch(`${sidecar.url}/readyz`)).json()) as {
    checks: { ari: boolean; database: boolean };
  };
  assert.deepEqual([body.checks.ari, body.checks.database], [false, true]);

  await asterisk.start();
  await waitFor(async () => (await readyz()) === 200, 30_000, '/readyz to turn green again');
  assert.ok(sidecar.telephony.status().reconnects >= 1);
  const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
  assert.match(metrics, /centralino_ari_reconnects_total [1-9]/);

  const call = await sidecar.call({ from: '+390577999888', to: '0577235501' });
  assert.equal(call.outcome, 'COMPLETED');
});

test('no growth over 1,000 calls: listeners and sessions return to their baseline', async () => {
  const listenersBefore = sidecar.telephony.listenerCount();
  assert.ok(listenersBefore > 0);
  const total = 1000;
  const wave = 50;
  for (let done = 0; done < total; done += wave) {
    const logged = sidecar.nextCalls(wave);
    await Promise.all(
      Array.from({ length: wave }, (_, i) =>
        placeCall(ari, {
          from: `+39057700${String(done + i).padStart(4, '0')}`,
          to: '0577235501',
          app: sidecar.app,
        }),
      ),
    );
    const calls = await logged;
    assert.equal(calls.filter((c) => c.outcome === 'COMPLETED').length, wave);
  }
  assert.equal(sidecar.telephony.status().activeCalls, 0);
  assert.equal(sidecar.telephony.listenerCount(), listenersBefore);
  assert.ok((await sidecar.callLog.count()) >= total);
});
