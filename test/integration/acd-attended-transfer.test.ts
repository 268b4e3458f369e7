// Q6: attended transfers of a queue call on real calls (SIPp agent phones, a scripted caller).
// The agent consults a colleague while the caller holds in their own bridge; the caller's
// bridge never holds two agent legs, and after the transfer it holds the caller and exactly one.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
import type { QueueResult } from '../../sidecar/src/acd/port.ts';
import {
  startAcdSidecar,
  startSipAgent,
  type AcdTestSidecar,
  type SipAgentPhone,
} from '../support/acd.ts';
import {
  createAgent,
  loginInOrder,
  putQueue,
  untilAgentState,
  type TestAgent,
} from '../support/acd-setup.ts';
import { ari } from '../support/env.ts';
import { waitFor } from '../support/harness.ts';

let s: AcdTestSidecar;
const phones: SipAgentPhone[] = [];
let a1: TestAgent, a2: TestAgent, silent: TestAgent;
const auth = `Basic ${Buffer.from(`${ari.username}:${ari.password}`).toString('base64')}`;

before(async () => {
  s = await startAcdSidecar('acdatx');
  phones.push(await startSipAgent('311', 'answer'), await startSipAgent('312', 'answer'));
  phones.push(await startSipAgent('313', 'ring-only'));
  a1 = await createAgent(s, '311', { sipUri: phones[0]!.uri });
  a2 = await createAgent(s, '312', { sipUri: phones[1]!.uri });
  silent = await createAgent(s, '313', { sipUri: phones[2]!.uri });
  // Only a1 takes queue calls; a2 and the silent agent are colleagues to consult.
  await putQueue(s, 'desk', {
    number: '0577900301',
    strategy: 'longest-idle',
    ringSeconds: 1,
    maxRings: 2,
    members: [{ agentId: a1.id }],
  });
});

after(async () => {
  await s.shutdown();
  for (const p of phones) p.stop();
});

beforeEach(async () => {
  await loginInOrder(s, [a1, a2, silent]);
});

const untilState = (a: TestAgent, state: string) => untilAgentState(s, a.id, state);

const stateOf = async (a: TestAgent) =>
  (await s.api<{ state: string; pauseReason?: string }>('GET', `/api/agents/${a.id}`)).body;

/** A caller into the desk queue, talking with a1. */
async function callerTalkingWithA1(from: string) {
  const done = s.nextResult(from);
  const a1Busy = untilState(a1, 'busy');
  const placed = await placeCall(ari, { from, to: '0577900301', app: s.app, holdSeconds: 20 });
  await a1Busy;
  const bridged = (await s.acd.queues.bridgedWith(s.portalId, a1.id))!;
  assert.equal(bridged.length, 2);
  const a1Leg = bridged.find((id) => id !== placed.inboundChannelId)!;
  return { caller: placed.inboundChannelId, a1Leg, done };
}

/** The consultation once both agents are in its bridge (Asterisk reports the channels). */
async function consultTalking(fromAgent: TestAgent) {
  const now = () => s.acd.queues.transfers.consultation(s.portalId, fromAgent.id);
  await waitFor(
    async () => {
      const c = await now();
      return c?.state === 'talking' && c.channels.length === 2;
    },
    5000,
    'both agents in the consultation',
  );
  return (await now())!;
}

/** Waits until the caller's bridge holds the caller and `agent`'s leg only. */
async function bridgedPair(agent: TestAgent, expected: string[]) {
  const now = async () => (await s.acd.queues.bridgedWith(s.portalId, agent.id))?.sort();
  await waitFor(
    async () => (await now())?.length === 2,
    5000,
    `caller bridged with ${agent.number}`,
  );
  assert.deepEqual(await now(), [...expected].sort());
}

async function hangupChannel(id: string) {
  await fetch(`${ari.url}/ari/channels/${id}`, {
    method: 'DELETE',
    headers: { authorization: auth },
  });
}

function answeredBy(result: QueueResult): string {
  assert.equal(result.kind, 'answered', JSON.stringify(result));
  return result.kind === 'answered' ? result.agentId : '';
}

test('consult, then complete: the colleague gets the caller, one agent leg bridged', async () => {
  const { caller, a1Leg, done } = await callerTalkingWithA1('+390577000311');
  const a2Busy = untilState(a2, 'busy');
  const consult = await s.api('POST', `/api/agents/${a1.id}/consult`, { toAgentId: a2.id });
  assert.equal(consult.status, 202);
  await a2Busy;
  const c = await consultTalking(a1);
  assert.ok(c.channels.includes(a1Leg), 'a1 talks with a2 in the consultation');
  const a2Leg = c.channels.find((id) => id !== a1Leg)!;
  // The caller holds alone in their bridge meanwhile (music), no agent leg with them.
  assert.deepEqual(await s.acd.queues.bridgedWith(s.portalId, a1.id), [caller]);
  assert.deepEqual((await s.api('GET', `/api/agents/${a1.id}/consult`)).body, {
    toAgentId: a2.id,
    state: 'talking',
  });

  const a1Free = untilState(a1, 'available');
  const complete = await s.api('POST', `/api/agents/${a1.id}/consult/complete`);
  assert.deepEqual(complete, { status: 200, body: { status: 'transferred' } });
  await a1Free;
  await bridgedPair(a2, [caller, a2Leg]);
  assert.equal(await s.acd.queues.bridgedWith(s.portalId, a1.id), null);
  assert.equal(await s.acd.queues.transfers.consultation(s.portalId, a1.id), null);

  await hangupChannel(caller);
  assert.equal(answeredBy((await done).result), a2.id);
  const rows = await s.acd.repo.callsBetween(s.portalId, 0, Date.now() + 1000);
  assert.deepEqual(
    rows.filter((r) => r.callerNumber === '+390577000311').map((r) => r.agentId),
    [a1.id, a2.id],
    "each agent's part is in the history",
  );
});

test('consult, then cancel: the colleague is free again, the agent back with the caller', async () => {
  const { caller, a1Leg, done } = await callerTalkingWithA1('+390577000312');
  await s.api('POST', `/api/agents/${a1.id}/consult`, { toAgentId: a2.id });
  await consultTalking(a1);
  const a2Free = untilState(a2, 'available');
  const cancel = await s.api('POST', `/api/agents/${a1.id}/consult/cancel`);
  assert.equal(cancel.status, 200);
  await a2Free;
  await bridgedPair(a1, [caller, a1Leg]);
  assert.equal((await stateOf(a1)).state, 'busy');
  await hangupChannel(caller);
  assert.equal(answeredBy((await done).result), a1.id);
});

test('a colleague who does not answer: paused with the reason, the agent back with the caller', async () => {
  const { caller, a1Leg, done } = await callerTalkingWithA1('+390577000313');
  const ringing = untilState(silent, 'ringing');
  const paused = untilState(silent, 'paused');
  await s.api('POST', `/api/agents/${a1.id}/consult`, { toAgentId: silent.id });
  await ringing;
  assert.deepEqual((await s.api('GET', `/api/agents/${a1.id}/consult`)).body, {
    toAgentId: silent.id,
    state: 'ringing',
  });
  await paused;
  assert.equal((await stateOf(silent)).pauseReason, 'no answer after 2 rings');
  await bridgedPair(a1, [caller, a1Leg]);
  await hangupChannel(caller);
  assert.equal(answeredBy((await done).result), a1.id);
});

test('the agent hangs up during the consultation: that completes the transfer', async () => {
  const { caller, a1Leg, done } = await callerTalkingWithA1('+390577000314');
  await s.api('POST', `/api/agents/${a1.id}/consult`, { toAgentId: a2.id });
  const c = await consultTalking(a1);
  const a2Leg = c.channels.find((id) => id !== a1Leg)!;
  const a1Free = untilState(a1, 'available');
  await hangupChannel(a1Leg);
  await a1Free;
  await bridgedPair(a2, [caller, a2Leg]);
  await hangupChannel(caller);
  assert.equal(answeredBy((await done).result), a2.id);
});

test('consult refuses what it cannot do, with a clear answer', async () => {
  const idle = await s.api<{ error: { code: string } }>('POST', `/api/agents/${a1.id}/consult`, {
    toAgentId: a2.id,
  });
  assert.equal(idle.status, 409);
  assert.equal(idle.body.error.code, 'TRANSFER');
  assert.equal((await s.api('POST', `/api/agents/${a1.id}/consult`, {})).status, 400);
  assert.equal((await s.api('POST', `/api/agents/${a1.id}/consult/complete`)).status, 409);
  assert.equal((await s.api('POST', `/api/agents/${a1.id}/consult/cancel`)).status, 409);
  assert.equal((await s.api('GET', `/api/agents/${a1.id}/consult`)).status, 409);
});
