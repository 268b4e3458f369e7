// Q6 from the agent's own SIP phone: the handset's Transfer key (a blind REFER) hands the queue
// caller to the colleague or queue whose number was keyed. Asterisk reports the REFER to the
// sidecar (the agent leg is dialled with PJSIP_TRANSFER_HANDLING()=ari-only) instead of taking
// the caller out of our bridge; the phone hears back in a NOTIFY: 200 when the caller was handed
// over, 603 for a number nobody has (the agent keeps the caller). Keyed to the park number (a
// flow of its own), the caller is parked, picked up by dialling the slot, and stays one call.
import assert from 'node:assert/strict';
import path from 'node:path';
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
import { waitFor } from '../support/harness.ts';
import { untilBridgedTogether, untilParked } from '../support/ari-bridges.ts';
import { tempDir, writeFlows } from '../support/routing.ts';
import { readSipTrace } from '../support/sip-trace.ts';

let s: AcdTestSidecar;
const phones: SipAgentPhone[] = [];
/** A transfer that goes wrong leaves an event unsent: fail instead of waiting for it forever. */
const LIMIT = { timeout: 30_000 };

before(async () => {
  const dir = tempDir('handsetxfer');
  const flowsFile = path.join(dir, 'flows.yaml');
  writeFlows(flowsFile, {
    numbers: { '700': 'park', '711': 'pickup', '712': 'pickup' },
    default: 'closed',
    flows: {
      park: [{ type: 'park', slots: [711, 712], timeoutSec: 30, onTimeout: [{ type: 'hangup' }] }],
      pickup: [{ type: 'pickup' }],
      closed: [{ type: 'hangup' }],
    },
  });
  s = await startAcdSidecar('handsetxfer', {
    env: { FLOWS_FILE: flowsFile, FLOWS_WATCH: 'false', DATA_DIR: dir },
  });
});

after(async () => {
  await s.shutdown();
  for (const p of phones) p.stop();
});

async function phone(behaviour: 'answer' | 'refer', referTo?: string) {
  const p = await startSipAgent('agent', behaviour, {
    trace: true,
    ...(referTo ? { referTo } : {}),
  });
  phones.push(p);
  return p;
}

/** The SIP fragments of the NOTIFYs the phone got about its transfer ("SIP/2.0 200 OK"…). */
async function transferNotifications(p: SipAgentPhone): Promise<string[]> {
  return (await readSipTrace(p.messageFile!))
    .filter((m) => m.direction === 'received' && m.startLine.startsWith('NOTIFY '))
    .map((m) => m.body);
}

const untilFinalNotify = (p: SipAgentPhone) =>
  waitFor(
    async () => (await transferNotifications(p)).some((f) => /^SIP\/2\.0 [2-6]\d\d/.test(f)),
    10_000,
    'the final NOTIFY of the transfer',
  );

/** A caller rings `number`; resolves once `agent` talks with them. */
async function callAnsweredBy(number: string, caller: string, agent: TestAgent) {
  const busy = untilAgentState(s, agent.id, 'busy');
  const done = s.nextResult(caller);
  const placed = await placeCall(ari, { from: caller, to: number, app: s.app, holdSeconds: 8 });
  await busy;
  return { placed, done };
}

test(
  'Transfer keyed to a colleague: the colleague has the caller, one agent leg, NOTIFY 200',
  LIMIT,
  async () => {
    const colleaguePhone = await phone('answer');
    const transferring = await phone('refer', '332');
    const a = await createAgent(s, '331', { sipUri: transferring.uri });
    const b = await createAgent(s, '332', { sipUri: colleaguePhone.uri });
    await putQueue(s, 'hs-front', {
      number: '0577900501',
      strategy: 'longest-idle',
      members: [{ agentId: a.id }],
    });
    await loginInOrder(s, [a, b]);
    const bBusy = untilAgentState(s, b.id, 'busy');
    const { placed, done } = await callAnsweredBy('0577900501', '+390577000501', a);
    await bBusy;
    const bridged = await s.acd.queues.bridgedWith(s.portalId, b.id);
    assert.equal(bridged?.length, 2, `caller's bridge: ${JSON.stringify(bridged)}`);
    assert.ok(bridged.includes(placed.inboundChannelId));
    assert.equal(await s.acd.queues.bridgedWith(s.portalId, a.id), null, 'the agent left');
    await untilFinalNotify(transferring);
    const fragments = await transferNotifications(transferring);
    assert.match(fragments.at(-1)!, /^SIP\/2\.0 200/, `NOTIFYs: ${JSON.stringify(fragments)}`);
    const { result } = await done;
    assert.ok(result.kind === 'answered' && result.agentId === b.id, JSON.stringify(result));
  },
);

test("Transfer keyed to a queue's number: that queue's agent takes the caller", LIMIT, async () => {
  const backPhone = await phone('answer');
  const transferring = await phone('refer', '0577900503');
  const c = await createAgent(s, '333', { sipUri: transferring.uri });
  const d = await createAgent(s, '334', { sipUri: backPhone.uri });
  await putQueue(s, 'hs-desk', {
    number: '0577900502',
    strategy: 'longest-idle',
    members: [{ agentId: c.id }],
  });
  await putQueue(s, 'hs-back', {
    number: '0577900503',
    strategy: 'longest-idle',
    members: [{ agentId: d.id }],
  });
  await loginInOrder(s, [c, d]);
  const dBusy = untilAgentState(s, d.id, 'busy');
  const { placed, done } = await callAnsweredBy('0577900502', '+390577000502', c);
  await dBusy;
  const bridged = await s.acd.queues.bridgedWith(s.portalId, d.id);
  assert.equal(bridged?.length, 2, `caller's bridge: ${JSON.stringify(bridged)}`);
  assert.ok(bridged.includes(placed.inboundChannelId));
  const { result } = await done;
  assert.ok(result.kind === 'answered' && result.agentId === d.id, JSON.stringify(result));
});

test(
  'Transfer keyed to a number nobody has: NOTIFY 603, and the agent keeps the caller',
  LIMIT,
  async () => {
    const transferring = await phone('refer', '999');
    const e = await createAgent(s, '335', { sipUri: transferring.uri });
    await putQueue(s, 'hs-lone', {
      number: '0577900504',
      strategy: 'longest-idle',
      members: [{ agentId: e.id }],
    });
    await loginInOrder(s, [e]);
    const { placed, done } = await callAnsweredBy('0577900504', '+390577000504', e);
    await untilFinalNotify(transferring);
    const fragments = await transferNotifications(transferring);
    assert.match(fragments.at(-1)!, /^SIP\/2\.0 603/, `NOTIFYs: ${JSON.stringify(fragments)}`);
    const bridged = await s.acd.queues.bridgedWith(s.portalId, e.id);
    assert.equal(bridged?.length, 2, 'still talking with the caller');
    assert.ok(bridged.includes(placed.inboundChannelId));
    const { result } = await done;
    assert.ok(result.kind === 'answered' && result.agentId === e.id, JSON.stringify(result));
  },
);

test(
  'Transfer keyed to the park number: parked on a slot, picked up by dialling it, one call',
  LIMIT,
  async () => {
    const transferring = await phone('refer', '700');
    const f = await createAgent(s, '336', { sipUri: transferring.uri });
    await putQueue(s, 'hs-park', {
      number: '0577900505',
      strategy: 'longest-idle',
      members: [{ agentId: f.id }],
    });
    await loginInOrder(s, [f]);
    const logged = s.nextCalls(2);
    const fFree = untilAgentState(s, f.id, 'available');
    const { placed, done } = await callAnsweredBy('0577900505', '+390577000505', f);
    const { result } = await done;
    assert.equal(result.kind, 'handed-off', JSON.stringify(result));
    await fFree;
    await untilFinalNotify(transferring);
    assert.match((await transferNotifications(transferring)).at(-1)!, /^SIP\/2\.0 200/);
    await untilParked(placed.inboundChannelId, 'the caller parked in a holding bridge');
    const picker = await placeCall(ari, {
      from: '+390577000599',
      to: '711',
      app: s.app,
      holdSeconds: 2,
    });
    await untilBridgedTogether(
      placed.inboundChannelId,
      picker.inboundChannelId,
      'parked caller and picker bridged',
    );
    const calls = await logged;
    const parked = calls.find((c) => c.toNumber.endsWith('0577900505'));
    assert.ok(parked, `calls logged: ${calls.map((c) => c.toNumber).join(', ')}`);
    assert.match(parked.note ?? '', /handoff:700 → park:711/);
    assert.match(parked.note ?? '', /Parked on 711 and picked up/);
  },
);
