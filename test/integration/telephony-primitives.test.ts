// Real Asterisk: keypad input and originated calls, the primitives menus, agents and campaigns
// stand on.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
import { createLogger } from '../../sidecar/src/ops/logger.ts';
import { systemClock } from '../../sidecar/src/ports.ts';
import { AriTelephony } from '../../sidecar/src/telephony/ari-telephony.ts';
import { OriginateFailedError, type CallChannel } from '../../sidecar/src/telephony/port.ts';
import { ari } from '../support/env.ts';

const app = `t_prim_${randomBytes(3).toString('hex')}`;
const telephony = new AriTelephony(
  { url: ari.url, username: ari.username, password: ari.password, app, maxBackoffMs: 500 },
  systemClock,
  createLogger('silent'),
);
const inbound: ((call: CallChannel) => void)[] = [];
const nextInbound = () => new Promise<CallChannel>((resolve) => inbound.push(resolve));

before(async () => {
  telephony.start((call) => {
    const waiter = inbound.shift();
    if (waiter) waiter(call);
    else void call.hangup();
  });
  await telephony.whenConnected();
});
after(async () => {
  await telephony.stop();
});

test('digits typed by the caller are collected up to the terminator', async () => {
  const arriving = nextInbound();
  await placeCall(ari, { from: '+390577000001', to: '100', digits: '12#9', app });
  const call = await arriving;
  await call.answer();
  const got = await call.collectDigits({ max: 5, firstDigitMs: 5000, terminator: '#' });
  assert.equal(got, '12');
  // The digit after the terminator stays buffered for the next question.
  assert.equal(await call.collectDigits({ max: 1, firstDigitMs: 5000 }), '9');
  await call.hangup();
  assert.equal((await call.ended).by, 'us');
});

test('no input: collectDigits gives up after the first-digit timeout with nothing', async () => {
  const arriving = nextInbound();
  await placeCall(ari, { from: '+390577000002', to: '100', app });
  const call = await arriving;
  await call.answer();
  const t0 = Date.now();
  assert.equal(await call.collectDigits({ max: 4, firstDigitMs: 600 }), '');
  assert.ok(Date.now() - t0 >= 550);
  await call.hangup();
});

test('an originated call that is answered becomes a channel we can talk to', async () => {
  const call = await telephony.originate({
    endpoint: 'Local/answer@test-callee',
    timeoutSec: 10,
    variables: { DIGITS: '42', RING_S: '0.3' },
    args: ['campaign', 'c1'],
  });
  assert.deepEqual(call.info.args, ['outbound', 'campaign', 'c1']);
  assert.equal(await call.collectDigits({ max: 2, firstDigitMs: 5000 }), '42');
  await call.hangup();
  await call.ended;
  assert.equal(telephony.status().activeCalls, 0);
});

test('busy and congestion reject the originate with the reason', async () => {
  for (const behaviour of ['busy', 'congestion']) {
    await assert.rejects(
      telephony.originate({ endpoint: `Local/${behaviour}@test-callee`, timeoutSec: 10 }),
      (err: unknown) => err instanceof OriginateFailedError && err.reason.length > 0,
    );
  }
  assert.equal(telephony.status().activeCalls, 0);
});

test('no answer within the timeout rejects the originate', async () => {
  const t0 = Date.now();
  await assert.rejects(
    telephony.originate({ endpoint: 'Local/noanswer@test-callee', timeoutSec: 2 }),
    OriginateFailedError,
  );
  assert.ok(Date.now() - t0 >= 1500);
});

test('a caller and an originated callee meet in a bridge; one hang-up ends both legs', async () => {
  const arriving = nextInbound();
  await placeCall(ari, { from: '+390577000003', to: '100', app, holdSeconds: 30 });
  const caller = await arriving;
  await caller.answer();
  const callee = await telephony.originate({
    endpoint: 'Local/answer@test-callee',
    timeoutSec: 10,
    variables: { HOLD_S: '1' },
  });
  const bridge = await telephony.bridge();
  await bridge.add([caller.info.id, callee.info.id]);
  assert.deepEqual((await bridge.channels()).sort(), [caller.info.id, callee.info.id].sort());
  // The callee's script hangs up after HOLD_S; we then end the caller, as a queue would.
  const end = await callee.ended;
  assert.equal(end.by, 'caller');
  await caller.hangup();
  await caller.ended;
  await bridge.destroy();
  assert.equal(telephony.status().activeCalls, 0);
});
