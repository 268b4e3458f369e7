// Each distribution strategy on real calls: SIPp agent phones (answering, and one that only
// rings), scripted callers into the queue's service number; the agent each call reaches is
// the one the strategy demands, tie-breaks included.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
  logoffAll,
  putQueue,
  queueCall,
  type TestAgent,
} from '../support/acd-setup.ts';

let s: AcdTestSidecar;
const phones: SipAgentPhone[] = [];
let a1: TestAgent, a2: TestAgent, a3: TestAgent, ringer: TestAgent;
let all: TestAgent[];

before(async () => {
  s = await startAcdSidecar('acdstrat');
  for (const n of ['101', '102', '103']) phones.push(await startSipAgent(n, 'answer'));
  phones.push(await startSipAgent('109', 'ring-only'));
  a1 = await createAgent(s, '101', { sipUri: phones[0]!.uri });
  a2 = await createAgent(s, '102', { sipUri: phones[1]!.uri });
  a3 = await createAgent(s, '103', { sipUri: phones[2]!.uri });
  ringer = await createAgent(s, '109', { sipUri: phones[3]!.uri });
  all = [a1, a2, a3, ringer];
});

after(async () => {
  await s.shutdown();
  for (const p of phones) p.stop();
});

const members = (...agents: TestAgent[]) => agents.map((a) => ({ agentId: a.id }));

describe('strategies on real calls', () => {
  test('round robin: members in list order, wrapping around', async () => {
    await logoffAll(s, all);
    await putQueue(s, 'rr', {
      number: '0577900001',
      strategy: 'round-robin',
      members: members(a2, a3, a1),
    });
    await loginInOrder(s, [a1, a2, a3]);
    const got = [];
    for (let i = 0; i < 4; i++)
      got.push(agentOf(await queueCall(s, '0577900001', '+390577111001')));
    assert.deepEqual(got, [a2.id, a3.id, a1.id, a2.id]);
  });
});

describe('more strategies on real calls', () => {
  test('skill: best level first; equal levels → longest idle; lower skill never while better free', async () => {
    await logoffAll(s, all);
    await putQueue(s, 'skill', {
      number: '0577900002',
      strategy: 'skill',
      members: [
        { agentId: a1.id, skillLevel: 1 },
        { agentId: a2.id, skillLevel: 5 },
        { agentId: a3.id, skillLevel: 5 },
      ],
    });
    await loginInOrder(s, [a3, a1, a2]);
    const got = [];
    for (let i = 0; i < 3; i++)
      got.push(agentOf(await queueCall(s, '0577900002', '+390577111002')));
    // a3 and a2 tie on level 5: a3 idle longest, then a2 (a3 just worked), then a3 again.
    assert.deepEqual(got, [a3.id, a2.id, a3.id]);
  });

  test('longest idle: the agent free for longest, then the next', async () => {
    await logoffAll(s, all);
    await putQueue(s, 'idle', {
      number: '0577900003',
      strategy: 'longest-idle',
      members: members(a1, a2, a3),
    });
    await loginInOrder(s, [a2, a3, a1]);
    const got = [];
    for (let i = 0; i < 4; i++)
      got.push(agentOf(await queueCall(s, '0577900003', '+390577111003')));
    assert.deepEqual(got, [a2.id, a3.id, a1.id, a2.id]);
  });

  test('most talk: most talk time in the window first; a tie → longest idle', async () => {
    await logoffAll(s, all);
    await putQueue(s, 'talk', {
      number: '0577900004',
      strategy: 'most-talk',
      talkWindowHours: 1,
      members: members(a1, a2, a3),
    });
    // History: a3 talked 300 s, a1 and a2 120 s each within the hour; older talk does not count.
    const now = Date.now();
    const row = (agentId: string, talkMs: number, endedAt: number) => ({
      id: crypto.randomUUID(),
      portalId: s.portalId,
      queueId: 'talk',
      callerNumber: '+390000000000',
      agentId,
      outcome: 'answered' as const,
      priority: 0,
      enteredAt: endedAt - talkMs - 1000,
      answeredAt: endedAt - talkMs,
      endedAt,
      waitMs: 1000,
      talkMs,
      recordingId: null,
    });
    await s.acd.repo.recordCall(row(a3.id, 300_000, now - 60_000));
    await s.acd.repo.recordCall(row(a1.id, 120_000, now - 60_000));
    await s.acd.repo.recordCall(row(a2.id, 120_000, now - 60_000));
    await s.acd.repo.recordCall(row(a1.id, 900_000, now - 3 * 3_600_000));
    await loginInOrder(s, [a1, a2, a3]);
    assert.equal(agentOf(await queueCall(s, '0577900004', '+390577111004')), a3.id);
    await s.api('POST', `/api/agents/${a3.id}/pause`, { reason: 'lunch' });
    // a1 and a2 tie on talk time (a1's old call is outside the window): a1 idle longest.
    assert.equal(agentOf(await queueCall(s, '0577900004', '+390577111004')), a1.id);
  });

  test('sticky: the agent who last spoke with this caller, else normal routing', async () => {
    await logoffAll(s, all);
    await putQueue(s, 'sticky', {
      number: '0577900005',
      strategy: 'sticky',
      stickyDays: 7,
      members: members(a1, a2, a3),
    });
    await loginInOrder(s, [a2, a1, a3]);
    const caller = '+390577222005';
    assert.equal(agentOf(await queueCall(s, '0577900005', caller)), a2.id);
    // a1 is now the longest idle, but the caller goes back to a2.
    assert.equal(agentOf(await queueCall(s, '0577900005', caller)), a2.id);
    // A new caller gets normal routing (longest idle).
    assert.equal(agentOf(await queueCall(s, '0577900005', '+390577333005')), a1.id);
    // The sticky agent is paused: fall back to longest idle.
    await s.api('POST', `/api/agents/${a2.id}/pause`, { reason: 'coffee' });
    assert.equal(agentOf(await queueCall(s, '0577900005', caller)), a3.id);
  });

  test('agent code typed by the caller; an unknown code → longest idle', async () => {
    await logoffAll(s, all);
    await putQueue(s, 'code', {
      number: '0577900006',
      strategy: 'agent-code',
      members: members(a1, a2, a3),
    });
    await loginInOrder(s, [a1, a2, a3]);
    assert.equal(
      agentOf(await queueCall(s, '0577900006', '+390577111006', { digits: '103#' })),
      a3.id,
    );
    assert.equal(
      agentOf(await queueCall(s, '0577900006', '+390577111006', { digits: '102#' })),
      a2.id,
    );
    assert.equal(
      agentOf(await queueCall(s, '0577900006', '+390577111006', { digits: '555#' })),
      a1.id,
    );
  });

  test('caller prefix: longest matching rule; no rule → longest idle', async () => {
    await logoffAll(s, all);
    await putQueue(s, 'prefix', {
      number: '0577900007',
      strategy: 'caller-prefix',
      members: members(a1, a2, a3),
      prefixRules: [
        { prefix: '+39055', agentNumber: '102' },
        { prefix: '+39', agentNumber: '103' },
      ],
    });
    await loginInOrder(s, [a1, a2, a3]);
    assert.equal(agentOf(await queueCall(s, '0577900007', '+39055123456')), a2.id);
    assert.equal(agentOf(await queueCall(s, '0577900007', '+390577123456')), a3.id);
    assert.equal(agentOf(await queueCall(s, '0577900007', '+442071234567')), a1.id);
  });

  test('auto-pause after N rings: the agent who lets it ring is paused, the call moves on', async () => {
    await logoffAll(s, all);
    await putQueue(s, 'autopause', {
      number: '0577900008',
      strategy: 'longest-idle',
      ringSeconds: 1,
      maxRings: 2,
      members: members(ringer, a1),
    });
    await loginInOrder(s, [ringer, a1]);
    const result = await queueCall(s, '0577900008', '+390577111008', { holdSeconds: 4 });
    assert.equal(agentOf(result), a1.id);
    assert.ok(
      result.kind === 'answered' && result.waitMs >= 2000,
      `waited ${JSON.stringify(result)}`,
    );
    const status = await s.api<{ state: string; pauseReason?: string }>(
      'GET',
      `/api/agents/${ringer.id}`,
    );
    assert.deepEqual(status.body, {
      agentId: ringer.id,
      name: 'Agent 109',
      state: 'paused',
      pauseReason: 'no answer after 2 rings',
    });
  });
});
