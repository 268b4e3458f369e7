// Q1: an agent on an outside number (an Italian mobile), rung through the trunk on real calls.
// A SIPp UAS on the trunk peer's port plays the carrier — it answers, is busy, or only rings —
// and its message trace shows the SIP Asterisk sent it.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
import {
  startAcdSidecar,
  startSipAgent,
  type AcdTestSidecar,
  type SipAgentPhone,
} from '../support/acd.ts';
import {
  agentOf,
  createAgent,
  loginInOrder,
  putQueue,
  queueCall,
  untilAgentState,
  type TestAgent,
} from '../support/acd-setup.ts';
import { ari } from '../support/env.ts';
import { waitFor } from '../support/harness.ts';
import {
  header,
  receivedRequests,
  requestUri,
  sentResponses,
  sipUser,
} from '../support/sip-trace.ts';

const MOBILE = '+393471234567';
const trunkPeerPort = Number(process.env.TEST_TRUNK_PEER_PORT ?? 15070);

let s: AcdTestSidecar;
let mobile: TestAgent, desk: TestAgent;
let carrier: SipAgentPhone | undefined;

before(async () => {
  s = await startAcdSidecar('acdtrunk');
  mobile = await createAgent(s, '501', { phoneNumber: MOBILE });
  // The next agent for the failure cases: answers at once and stays on the line.
  desk = await createAgent(s, '502', { dial: 'Local/answer@test-callee/n' });
});

after(async () => {
  await s.shutdown();
  await stopCarrier();
});

/** One carrier at a time: they all listen on the trunk peer's port. */
async function startCarrier(behaviour: 'answer' | 'ring-only' | 'busy') {
  await stopCarrier();
  carrier = await startSipAgent(MOBILE, behaviour, { port: trunkPeerPort, trace: true });
  return carrier.messageFile!;
}

async function stopCarrier() {
  if (!carrier) return;
  carrier.stop();
  await carrier.exited;
  await rm(carrier.messageFile!, { force: true });
  carrier = undefined;
}

const untilState = (a: TestAgent, state: string) => untilAgentState(s, a.id, state);

const status = async (a: TestAgent) =>
  (await s.api<{ state: string; pauseReason?: string }>('GET', `/api/agents/${a.id}`)).body;

async function ariGet<T>(pathname: string): Promise<T> {
  const auth = Buffer.from(`${ari.username}:${ari.password}`).toString('base64');
  const res = await fetch(`${ari.url}/ari${pathname}`, {
    headers: { authorization: `Basic ${auth}` },
  });
  assert.equal(res.status, 200, `GET ${pathname}`);
  return (await res.json()) as T;
}

test('the carrier is asked for the agent number with the caller ID; caller and trunk leg are bridged', async () => {
  const trace = await startCarrier('answer');
  await putQueue(s, 'mobile', {
    number: '0577900501',
    strategy: 'longest-idle',
    members: [{ agentId: mobile.id }],
  });
  await loginInOrder(s, [mobile]);
  const caller = '+390577000501';
  const done = s.nextResult(caller);
  const busy = untilState(mobile, 'busy');
  const placed = await placeCall(ari, {
    from: caller,
    to: '0577900501',
    app: s.app,
    holdSeconds: 3,
  });
  await busy;

  const [invite, ...more] = await receivedRequests(trace, 'INVITE');
  assert.ok(invite, 'the carrier received an INVITE');
  assert.equal(more.length, 0, 'one INVITE');
  assert.equal(sipUser(requestUri(invite)), MOBILE, invite.startLine);
  assert.equal(sipUser(header(invite, 'From') ?? ''), caller, header(invite, 'From'));
  const asserted = header(invite, 'P-Asserted-Identity');
  assert.equal(sipUser(asserted ?? ''), caller, asserted);

  // The bridge holds the caller and the leg that called the carrier (same SIP Call-ID).
  const bridged = await s.acd.queues.bridgedWith(s.portalId, mobile.id);
  assert.equal(bridged?.length, 2, `bridge holds ${JSON.stringify(bridged)}`);
  assert.ok(bridged.includes(placed.inboundChannelId), 'the caller is in the bridge');
  const leg = bridged.find((id) => id !== placed.inboundChannelId)!;
  assert.match((await ariGet<{ name: string }>(`/channels/${leg}`)).name, /^PJSIP\/trunk-/);
  const callId = await ariGet<{ value: string }>(
    `/channels/${leg}/variable?variable=${encodeURIComponent('CHANNEL(pjsip,call-id)')}`,
  );
  assert.equal(callId.value, header(invite, 'Call-ID'));

  const { result } = await done;
  assert.equal(agentOf(result), mobile.id);
  // The caller hung up: Asterisk ended the trunk leg too.
  await waitFor(
    async () => (await receivedRequests(trace, 'BYE')).length === 1,
    5000,
    'BYE to the carrier',
  );
});

test('the mobile is busy (486): the caller goes to the next agent at once, the mobile agent stays available', async () => {
  const trace = await startCarrier('busy');
  await putQueue(s, 'busy', {
    number: '0577900502',
    strategy: 'longest-idle',
    ringSeconds: 2,
    maxRings: 2,
    members: [{ agentId: mobile.id }, { agentId: desk.id }],
  });
  // The mobile agent is idle longest, so it is offered the call first.
  await loginInOrder(s, [mobile, desk]);
  const result = await queueCall(s, '0577900502', '+390577000502');
  assert.equal(agentOf(result), desk.id);
  // Busy is no "no answer": the caller moved on well before the 4 s ring time, no pause.
  assert.ok(result.kind === 'answered' && result.waitMs < 2000, `waited ${JSON.stringify(result)}`);
  const invites = await receivedRequests(trace, 'INVITE');
  assert.deepEqual(
    invites.map((m) => sipUser(requestUri(m))),
    [MOBILE],
  );
  assert.deepEqual(await sentResponses(trace), ['486 Busy Here']);
  assert.deepEqual(await status(mobile), {
    agentId: mobile.id,
    name: 'Agent 501',
    state: 'available',
  });
});

test('the mobile only rings: the agent is paused "no answer after 2 rings", the caller goes to the next agent', async () => {
  const trace = await startCarrier('ring-only');
  await putQueue(s, 'ringing', {
    number: '0577900503',
    strategy: 'longest-idle',
    ringSeconds: 1,
    maxRings: 2,
    members: [{ agentId: mobile.id }, { agentId: desk.id }],
  });
  await loginInOrder(s, [mobile, desk]);
  const result = await queueCall(s, '0577900503', '+390577000503', { holdSeconds: 4 });
  assert.equal(agentOf(result), desk.id);
  assert.ok(
    result.kind === 'answered' && result.waitMs >= 2000,
    `waited ${JSON.stringify(result)}`,
  );
  assert.equal((await receivedRequests(trace, 'INVITE')).length, 1);
  // Asterisk gave up on the carrier after the ring time: CANCEL, 487 for the INVITE.
  assert.equal((await receivedRequests(trace, 'CANCEL')).length, 1);
  assert.deepEqual(await status(mobile), {
    agentId: mobile.id,
    name: 'Agent 501',
    state: 'paused',
    pauseReason: 'no answer after 2 rings',
  });
});

test('the agent follows TRANSFER_DIAL_TEMPLATE, the one setting for outside numbers', async () => {
  // A carrier that wants user=phone on the Request-URI: a template only this setting can give.
  const other = await startAcdSidecar('acdtrunktpl', {
    env: {
      TRANSFER_DIAL_TEMPLATE: `PJSIP/trunk/sip:{number}@127.0.0.1:${trunkPeerPort};user=phone`,
    },
  });
  try {
    const trace = await startCarrier('answer');
    const agent = await createAgent(other, '501', { phoneNumber: MOBILE });
    // Stored as the number itself, so a changed template applies to agents made before it.
    const listed = await other.api<{ agents: { id: string; dial: string }[] }>(
      'GET',
      '/api/acd/agents',
    );
    assert.equal(listed.body.agents.find((a) => a.id === agent.id)?.dial, `tel:${MOBILE}`);
    await putQueue(other, 'mobile', {
      number: '0577900504',
      strategy: 'longest-idle',
      members: [{ agentId: agent.id }],
    });
    await loginInOrder(other, [agent]);
    assert.equal(agentOf(await queueCall(other, '0577900504', '+390577000504')), agent.id);
    const invites = await receivedRequests(trace, 'INVITE');
    assert.deepEqual(
      invites.map((m) => requestUri(m)),
      [`sip:${MOBILE}@127.0.0.1:${trunkPeerPort};user=phone`],
    );
  } finally {
    await other.shutdown();
  }
});
