// Transfers from the calling widget on real calls: a scripted caller into a queue, SIPp agent
// phones answering, the widget API with agents' session tokens. Consult + complete ends with the
// colleague alone with the caller (one agent leg in the caller's bridge, the first agent's leg
// gone); a blind transfer to a queue reaches that queue's agent; what cannot be done is refused.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
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
import { adminAuth, ari } from '../support/env.ts';
import { agentToken, openEvents, WIDGET_SECRET, widgetApi } from '../support/widget.ts';

let s: AcdTestSidecar;
const phones: SipAgentPhone[] = [];
let a1: TestAgent, a2: TestAgent;
let tokens: Record<string, string>;
/** An agent of another account: never a target, never reachable. */
let stranger: string;
const OTHER_PORTAL = String(randomInt(10_000_000, 99_999_999));

before(async () => {
  s = await startAcdSidecar('widgetxfer', { env: { WIDGET_SESSION_SECRET: WIDGET_SECRET } });
  phones.push(await startSipAgent('321', 'answer'), await startSipAgent('322', 'answer'));
  a1 = await createAgent(s, '321', { sipUri: phones[0]!.uri });
  a2 = await createAgent(s, '322', { sipUri: phones[1]!.uri });
  tokens = { [a1.id]: agentToken(s.portalId, a1.id), [a2.id]: agentToken(s.portalId, a2.id) };
  // a1 takes the desk's calls; a2 is the colleague, and the only agent of the second queue.
  await putQueue(s, 'wdesk', {
    number: '0577900321',
    strategy: 'longest-idle',
    members: [{ agentId: a1.id }],
  });
  await putQueue(s, 'wsecond', {
    number: '0577900322',
    strategy: 'longest-idle',
    members: [{ agentId: a2.id }],
  });
  const res = await fetch(`${s.url}/api/acd/agents?portalId=${OTHER_PORTAL}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...adminAuth },
    body: JSON.stringify({
      number: '329',
      name: 'Stranger',
      pin: '1234',
      phoneNumber: '+39055329',
    }),
  });
  assert.equal(res.status, 201);
  stranger = ((await res.json()) as { id: string }).id;
  await fetch(`${s.url}/api/agents/${stranger}/login?portalId=${OTHER_PORTAL}`, {
    method: 'POST',
    headers: adminAuth,
  });
});

after(async () => {
  await s.shutdown();
  for (const p of phones) p.stop();
});

beforeEach(async () => {
  await loginInOrder(s, [a1, a2]);
});

const as = (a: TestAgent, method: string, path: string, body?: unknown) =>
  widgetApi(s.url, tokens[a.id]!, method, path, body);

const codeOf = (res: { body: Record<string, unknown> }) =>
  (res.body.error as { code?: string } | undefined)?.code;

interface QueueCallEvent {
  type: 'queue-call';
  queueCall: {
    callerNumber: string | null;
    queueId: string;
    queueName: string;
    consultation: { toAgentId: string; toName: string; state: string } | null;
  } | null;
  consultedBy: { fromAgentId: string; fromName: string; state: string } | null;
}
const isQueueCall = (e: Record<string, unknown>): e is Record<string, unknown> & QueueCallEvent =>
  e.type === 'queue-call';
/** Matches `then` only after `first` has been seen (the stream opens with a snapshot). */
function afterSeeing(
  first: (e: QueueCallEvent) => boolean,
  then: (e: QueueCallEvent) => boolean,
): (e: Record<string, unknown>) => boolean {
  let seen = false;
  return (e) => {
    if (!isQueueCall(e)) return false;
    if (seen) return then(e);
    seen = first(e);
    return false;
  };
}
const talkingWith = (queueId: string) => (e: Record<string, unknown>) =>
  isQueueCall(e) && e.queueCall?.queueId === queueId;

function channelGone(id: string): Promise<void> {
  return new Promise((resolve) => {
    const off = s.telephony.onEvent('ChannelDestroyed', (e) => {
      if ((e as { channel?: { id?: string } }).channel?.id === id) {
        off();
        resolve();
      }
    });
  });
}

async function hangupChannel(id: string) {
  const auth = `Basic ${Buffer.from(`${ari.username}:${ari.password}`).toString('base64')}`;
  await fetch(`${ari.url}/ari/channels/${id}`, {
    method: 'DELETE',
    headers: { authorization: auth },
  });
}

/** A caller into the desk, talking with a1: the caller's and a1's channel ids. */
async function callerTalkingWithA1(from: string) {
  const done = s.nextResult(from);
  const a1Busy = untilAgentState(s, a1.id, 'busy');
  const placed = await placeCall(ari, { from, to: '0577900321', app: s.app, holdSeconds: 30 });
  await a1Busy;
  const bridged = (await s.acd.queues.bridgedWith(s.portalId, a1.id))!;
  assert.equal(bridged.length, 2);
  const a1Leg = bridged.find((id) => id !== placed.inboundChannelId)!;
  return { caller: placed.inboundChannelId, a1Leg, done };
}

function answeredBy(result: QueueResult): string {
  assert.equal(result.kind, 'answered', JSON.stringify(result));
  return result.kind === 'answered' ? result.agentId : '';
}

/** A transfer that breaks fails its test instead of leaving it waiting for an event forever. */
const WITHIN = { timeout: 30_000 };

const routes: [string, string, unknown?][] = [
  ['GET', '/queue-call'],
  ['GET', '/transfer-targets'],
  ['POST', '/transfer', { toQueueId: 'wsecond' }],
  ['POST', '/consult', { toAgentId: 'x' }],
  ['GET', '/consult'],
  ['POST', '/consult/complete'],
  ['POST', '/consult/cancel'],
];

test('widget transfer routes refuse requests without a valid agent session', WITHIN, async () => {
  const tampered = tokens[a1.id]!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  for (const [method, path, body] of routes) {
    for (const token of [null, tampered, agentToken(s.portalId, a1.id, -1000)]) {
      const res = await widgetApi(s.url, token, method, path, body);
      assert.equal(res.status, 401, `${method} ${path} with ${token ? 'a bad' : 'no'} token`);
      assert.equal(codeOf(res), 'UNAUTHENTICATED');
    }
    // The operator credentials are not a widget session either.
    const admin = await fetch(`${s.url}/widget/api${path}`, { method, headers: adminAuth });
    assert.equal(admin.status, 401, `${method} ${path} with the admin token`);
  }
});

test(
  'not talking with a queue caller: no queue call, transfers 409, bad bodies 400',
  WITHIN,
  async () => {
    assert.deepEqual((await as(a1, 'GET', '/queue-call')).body, {
      queueCall: null,
      consultedBy: null,
    });
    assert.deepEqual((await as(a1, 'GET', '/consult')).body, { consultation: null });
    for (const [path, body] of [
      ['/transfer', { toQueueId: 'wsecond' }],
      ['/transfer', { toAgentId: a2.id }],
      ['/consult', { toAgentId: a2.id }],
    ] as const) {
      const res = await as(a1, 'POST', path, body);
      assert.deepEqual([res.status, codeOf(res)], [409, 'NOT_IN_QUEUE_CALL'], path);
    }
    for (const path of ['/consult/complete', '/consult/cancel']) {
      const res = await as(a1, 'POST', path);
      assert.deepEqual([res.status, codeOf(res)], [409, 'NOT_CONSULTING'], path);
    }
    for (const [path, body] of [
      ['/transfer', {}],
      ['/transfer', { toAgentId: a2.id, toQueueId: 'wsecond' }],
      ['/transfer', { toQueueId: '' }],
      ['/consult', {}],
      ['/consult', { toAgentId: 42 }],
      // Acting for another agent is not something a body can ask for.
      ['/consult', { toAgentId: a2.id, agentId: a2.id }],
      ['/transfer', { toQueueId: 'wsecond', fromAgentId: a2.id }],
    ] as const) {
      const res = await as(a1, 'POST', path, body);
      assert.deepEqual([res.status, codeOf(res)], [400, 'VALIDATION'], JSON.stringify(body));
    }
  },
);

test(
  'transfer targets: available colleagues of the account and its queues, nobody else',
  WITHIN,
  async () => {
    const targets = (await as(a1, 'GET', '/transfer-targets')).body as {
      agents: { agentId: string; name: string }[];
      queues: { queueId: string; name: string }[];
    };
    assert.deepEqual(targets.agents, [{ agentId: a2.id, name: 'Agent 322' }]);
    assert.deepEqual(targets.queues.map((q) => q.queueId).sort(), ['wdesk', 'wsecond']);
    await s.api('POST', `/api/agents/${a2.id}/pause`, { reason: 'lunch' });
    assert.deepEqual(
      ((await as(a1, 'GET', '/transfer-targets')).body.agents as unknown[]).length,
      0,
    );
  },
);

test(
  'consult, then complete in the widget: the colleague has the caller, one agent leg',
  WITHIN,
  async () => {
    const a1Events = await openEvents(s.url, tokens[a1.id]!);
    const a2Events = await openEvents(s.url, tokens[a2.id]!);
    try {
      const { caller, a1Leg, done } = await callerTalkingWithA1('+390577000321');
      const started = await a1Events.next<QueueCallEvent>(talkingWith('wdesk'), 'a1 queue call');
      assert.deepEqual(started.queueCall, {
        callerNumber: '+390577000321',
        callerName: null,
        contactId: null,
        queueId: 'wdesk',
        queueName: 'wdesk',
        consultation: null,
      });
      assert.deepEqual((await as(a1, 'GET', '/queue-call')).body, {
        queueCall: started.queueCall,
        consultedBy: null,
      });

      // Targets the widget must not reach: itself, nobody, another account's agent, a paused one.
      const self = await as(a1, 'POST', '/consult', { toAgentId: a1.id });
      assert.deepEqual([self.status, codeOf(self)], [400, 'BAD_TARGET']);
      for (const toAgentId of ['nobody', stranger]) {
        const res = await as(a1, 'POST', '/consult', { toAgentId });
        assert.deepEqual([res.status, codeOf(res)], [404, 'UNKNOWN_COLLEAGUE'], toAgentId);
        const blind = await as(a1, 'POST', '/transfer', { toAgentId });
        assert.deepEqual([blind.status, codeOf(blind)], [404, 'UNKNOWN_COLLEAGUE'], toAgentId);
      }
      const noQueue = await as(a1, 'POST', '/transfer', { toQueueId: 'nope' });
      assert.deepEqual([noQueue.status, codeOf(noQueue)], [404, 'UNKNOWN_QUEUE']);
      await s.api('POST', `/api/agents/${a2.id}/pause`, { reason: 'coffee' });
      const paused = await as(a1, 'POST', '/consult', { toAgentId: a2.id });
      assert.deepEqual([paused.status, codeOf(paused)], [409, 'COLLEAGUE_UNAVAILABLE']);
      await s.api('POST', `/api/agents/${a2.id}/unpause`);

      const consult = await as(a1, 'POST', '/consult', { toAgentId: a2.id });
      assert.deepEqual(consult, { status: 202, body: { status: 'consulting' } });
      const again = await as(a1, 'POST', '/consult', { toAgentId: a2.id });
      assert.deepEqual([again.status, codeOf(again)], [409, 'ALREADY_CONSULTING']);
      const blindNow = await as(a1, 'POST', '/transfer', { toQueueId: 'wsecond' });
      assert.deepEqual([blindNow.status, codeOf(blindNow)], [409, 'ALREADY_CONSULTING']);

      const talking = await a1Events.next<QueueCallEvent>(
        (e) => isQueueCall(e) && e.queueCall?.consultation?.state === 'talking',
        'a1 talking with a2 in the consultation',
      );
      assert.deepEqual(talking.queueCall?.consultation, {
        toAgentId: a2.id,
        toName: 'Agent 322',
        state: 'talking',
      });
      assert.deepEqual((await as(a1, 'GET', '/consult')).body, {
        consultation: talking.queueCall?.consultation,
      });
      // The caller holds alone meanwhile.
      assert.deepEqual(await s.acd.queues.bridgedWith(s.portalId, a1.id), [caller]);
      // The colleague's widget shows who consults them, and about which caller.
      const consulted = await a2Events.next<QueueCallEvent>(
        (e) => isQueueCall(e) && e.consultedBy?.state === 'talking',
        "a1's consultation on a2's widget",
      );
      const expectedConsulted = {
        fromAgentId: a1.id,
        fromName: 'Agent 321',
        callerNumber: '+390577000321',
        callerName: null,
        contactId: null,
        queueName: 'wdesk',
        state: 'talking',
      };
      assert.deepEqual(consulted.consultedBy, expectedConsulted);
      assert.equal(consulted.queueCall, null, 'a2 has no queue call of their own yet');
      assert.deepEqual((await as(a2, 'GET', '/queue-call')).body, {
        queueCall: null,
        consultedBy: expectedConsulted,
      });

      const a1LegGone = channelGone(a1Leg);
      const complete = await as(a1, 'POST', '/consult/complete');
      assert.deepEqual(complete, { status: 200, body: { status: 'transferred' } });
      await a1LegGone;
      await a1Events.next(
        afterSeeing(
          (e) => e.queueCall?.consultation?.state === 'talking',
          (e) => e.queueCall === null,
        ),
        'a1 no longer in a queue call',
      );
      const handedOver = await a2Events.next<QueueCallEvent>(
        (e) => talkingWith('wdesk')(e) && e.consultedBy === null,
        "the caller on a2's widget, the consultation over",
      );
      assert.equal(handedOver.queueCall?.callerNumber, '+390577000321');
      const bridged = (await s.acd.queues.bridgedWith(s.portalId, a2.id))!;
      assert.equal(bridged.length, 2, 'the caller and one agent leg');
      assert.ok(bridged.includes(caller));
      assert.ok(!bridged.includes(a1Leg));
      assert.equal(await s.acd.queues.bridgedWith(s.portalId, a1.id), null);
      assert.deepEqual((await as(a1, 'GET', '/queue-call')).body, {
        queueCall: null,
        consultedBy: null,
      });

      await hangupChannel(caller);
      assert.equal(answeredBy((await done).result), a2.id);
    } finally {
      a1Events.close();
      a2Events.close();
    }
  },
);

test(
  'consult, then cancel in the widget: back with the caller, the colleague free',
  WITHIN,
  async () => {
    const a1Events = await openEvents(s.url, tokens[a1.id]!);
    try {
      const { caller, a1Leg, done } = await callerTalkingWithA1('+390577000323');
      await as(a1, 'POST', '/consult', { toAgentId: a2.id });
      await a1Events.next(
        (e) => isQueueCall(e) && e.queueCall?.consultation?.state === 'talking',
        'consultation answered',
      );
      const a2Free = untilAgentState(s, a2.id, 'available');
      const cancel = await as(a1, 'POST', '/consult/cancel');
      assert.deepEqual(cancel, { status: 200, body: { status: 'back with the caller' } });
      await a2Free;
      await a1Events.next(
        afterSeeing(
          (e) => e.queueCall?.consultation?.state === 'talking',
          (e) => e.queueCall !== null && e.queueCall.consultation === null,
        ),
        'consultation over, the call goes on',
      );
      assert.deepEqual(
        (await s.acd.queues.bridgedWith(s.portalId, a1.id))?.sort(),
        [caller, a1Leg].sort(),
      );
      await hangupChannel(caller);
      assert.equal(answeredBy((await done).result), a1.id);
    } finally {
      a1Events.close();
    }
  },
);

test(
  'blind transfer to a queue in the widget: that queue’s agent gets the caller',
  WITHIN,
  async () => {
    const a2Events = await openEvents(s.url, tokens[a2.id]!);
    try {
      const { caller, a1Leg, done } = await callerTalkingWithA1('+390577000322');
      const a1LegGone = channelGone(a1Leg);
      const res = await as(a1, 'POST', '/transfer', { toQueueId: 'wsecond' });
      assert.deepEqual(res, { status: 202, body: { status: 'transferring' } });
      await a1LegGone;
      const got = await a2Events.next<QueueCallEvent>(talkingWith('wsecond'), 'a2 has the caller');
      assert.equal(got.queueCall?.callerNumber, '+390577000322');
      const bridged = (await s.acd.queues.bridgedWith(s.portalId, a2.id))!;
      assert.equal(bridged.length, 2);
      assert.ok(bridged.includes(caller));
      assert.equal(await s.acd.queues.bridgedWith(s.portalId, a1.id), null);
      await hangupChannel(caller);
      assert.equal(answeredBy((await done).result), a2.id);
    } finally {
      a2Events.close();
    }
  },
);
