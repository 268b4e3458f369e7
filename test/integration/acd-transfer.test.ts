// Q6: blind transfers of a queue call, agent → agent and agent → queue, on real calls. After
// each transfer the caller's bridge holds the caller and exactly one agent leg.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { placeCall } from '../../asterisk/caller.ts';
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

let s: AcdTestSidecar;
const phones: SipAgentPhone[] = [];
let a1: TestAgent, a2: TestAgent, a3: TestAgent;

before(async () => {
  s = await startAcdSidecar('acdxfer');
  for (const n of ['301', '302', '303']) phones.push(await startSipAgent(n, 'answer'));
  a1 = await createAgent(s, '301', { sipUri: phones[0]!.uri });
  a2 = await createAgent(s, '302', { sipUri: phones[1]!.uri });
  a3 = await createAgent(s, '303', { sipUri: phones[2]!.uri });
});

after(async () => {
  await s.shutdown();
  for (const p of phones) p.stop();
});

const untilState = (a: TestAgent, state: string) => untilAgentState(s, a.id, state);

test('blind transfer agent → agent, then agent → queue: one agent leg bridged each time', async () => {
  await putQueue(s, 'front', {
    number: '0577900201',
    strategy: 'longest-idle',
    members: [{ agentId: a1.id }],
  });
  await putQueue(s, 'back', {
    number: '0577900202',
    strategy: 'longest-idle',
    members: [{ agentId: a3.id }],
  });
  await loginInOrder(s, [a1, a2, a3]);
  const caller = '+390577000201';
  const done = s.nextResult(caller);
  const a1Busy = untilState(a1, 'busy');
  const placed = await placeCall(ari, {
    from: caller,
    to: '0577900201',
    app: s.app,
    holdSeconds: 6,
  });
  await a1Busy;
  const first = await s.acd.queues.bridgedWith(s.portalId, a1.id);
  assert.equal(first?.length, 2);
  assert.ok(first.includes(placed.inboundChannelId));

  const a2Busy = untilState(a2, 'busy');
  const a1Free = untilState(a1, 'available');
  const toAgent = await s.api('POST', `/api/agents/${a1.id}/transfer`, { toAgentId: a2.id });
  assert.equal(toAgent.status, 202);
  await Promise.all([a2Busy, a1Free]);
  const second = await s.acd.queues.bridgedWith(s.portalId, a2.id);
  assert.equal(second?.length, 2, `bridge holds ${JSON.stringify(second)}`);
  assert.ok(second.includes(placed.inboundChannelId));
  assert.ok(!first.some((id) => id !== placed.inboundChannelId && second.includes(id)), 'a1 left');
  assert.equal(await s.acd.queues.bridgedWith(s.portalId, a1.id), null);

  const a3Busy = untilState(a3, 'busy');
  const toQueue = await s.api('POST', `/api/agents/${a2.id}/transfer`, { toQueueId: 'back' });
  assert.equal(toQueue.status, 202);
  await a3Busy;
  const third = await s.acd.queues.bridgedWith(s.portalId, a3.id);
  assert.equal(third?.length, 2);
  assert.ok(third.includes(placed.inboundChannelId));

  const { result } = await done;
  assert.equal(result.kind, 'answered');
  assert.ok(result.kind === 'answered' && result.agentId === a3.id);
  // Each agent's part is in the history: a1 and a2 for 'front', a3 for 'back'.
  const rows = await s.acd.repo.callsBetween(s.portalId, 0, Date.now() + 1000);
  assert.deepEqual(
    rows.map((r) => [r.queueId, r.agentId, r.outcome]),
    [
      ['front', a1.id, 'answered'],
      ['front', a2.id, 'answered'],
      ['back', a3.id, 'answered'],
    ],
  );
});

test('transfer refuses what it cannot do, with a clear answer', async () => {
  const idle = await s.api<{ error: { code: string } }>('POST', `/api/agents/${a1.id}/transfer`, {
    toAgentId: a2.id,
  });
  assert.equal(idle.status, 409);
  assert.equal(idle.body.error.code, 'TRANSFER');
  const both = await s.api('POST', `/api/agents/${a1.id}/transfer`, {
    toAgentId: a2.id,
    toQueueId: 'back',
  });
  assert.equal(both.status, 400);
});
