// The queue node handles every QueueResult kind; the flows file is reloaded on change and a
// bad edit keeps the running flows. Pure steps against a recording fake channel.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { CallQueues, QueueResult } from '../../sidecar/src/acd/port.ts';
import type { CallChannel } from '../../sidecar/src/telephony/port.ts';
import { runSteps, type FlowContext, type FlowStep } from '../../sidecar/src/routing/context.ts';
import { parseFlows } from '../../sidecar/src/routing/flow-schema.ts';
import { FlowStore, type ReloadResult } from '../../sidecar/src/routing/flow-store.ts';
import { QueueStep } from '../../sidecar/src/routing/nodes/queue.ts';
import { dateMedia } from '../../sidecar/src/routing/nodes/basic.ts';
import { tempDir, writeFlows } from '../support/routing.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

function fakeContext(): { ctx: FlowContext; played: string[] } {
  const played: string[] = [];
  const call = {
    info: {
      id: 'c1',
      callerNumber: '+390577111222',
      callerName: '',
      args: ['inbound', '100'],
      state: 'Up',
    },
    startedAt: 0,
    answer: () => Promise.resolve(),
    play: (m: string) => {
      played.push(m);
      return Promise.resolve('done' as const);
    },
    hangup: () => Promise.resolve(),
    collectDigits: () => Promise.resolve(''),
    clearDigits: () => undefined,
    ended: new Promise(() => undefined),
    isEnded: () => false,
  } as unknown as CallChannel;
  const ctx: FlowContext = {
    call,
    answeredAt: 0,
    now: () => 0,
    portalId: 'p',
    callId: 'call-1',
    caller: '+390577111222' as FlowContext['caller'],
    called: '100',
    lookup: Promise.resolve({ kind: 'found', contact: { id: '77' } }),
    vars: new Map(),
    route: [],
    notes: [],
    contactId: null,
    recordingUrl: null,
    jumps: 0,
  };
  return { ctx, played };
}

const marker = (name: string): FlowStep => ({
  name,
  run: (ctx) => {
    ctx.route.push(name);
    return Promise.resolve(undefined);
  },
});

function queueStep(
  result: QueueResult | null,
  seen: { contactId?: string; callId?: string }[] = [],
) {
  const queues: CallQueues = {
    has: () => result !== null,
    enqueue: (e) => {
      seen.push({
        ...(e.contactId ? { contactId: e.contactId } : {}),
        ...(e.callId ? { callId: e.callId } : {}),
      });
      return Promise.resolve(result!);
    },
  };
  return new QueueStep(
    { type: 'queue', queue: 'support', priority: 0, overflow: [], noAgents: [] },
    queues,
    [marker('overflow-branch')],
    [marker('no-agents-branch')],
  );
}

test('queue answered: recording linked, the caller contact and call record passed, flow ends', async () => {
  const { ctx } = fakeContext();
  const seen: { contactId?: string; callId?: string }[] = [];
  await runSteps(
    [
      queueStep(
        {
          kind: 'answered',
          agentId: 'a7',
          waitMs: 10,
          talkMs: 5000,
          recordingId: 'r1',
          recordingUrl: 'https://x/recordings/r1',
        },
        seen,
      ),
      marker('after'),
    ],
    ctx,
  );
  assert.deepEqual(ctx.route, ['queue:support']);
  assert.equal(ctx.recordingUrl, 'https://x/recordings/r1');
  assert.deepEqual(seen, [{ contactId: '77', callId: ctx.callId }]);
  assert.match(ctx.notes.join('\n'), /agent a7/);
});

test('queue abandoned: noted, flow ends', async () => {
  const { ctx } = fakeContext();
  await runSteps([queueStep({ kind: 'abandoned', waitMs: 42_000 }), marker('after')], ctx);
  assert.deepEqual(ctx.route, ['queue:support']);
  assert.match(ctx.notes.join('\n'), /hung up waiting in queue support \(42 s\)/);
});

test('queue overflow (max wait) and no agents take their own branches', async () => {
  let { ctx } = fakeContext();
  await runSteps([queueStep({ kind: 'overflow', reason: 'max-wait', waitMs: 1000 })], ctx);
  assert.deepEqual(ctx.route, ['queue:support', 'overflow:max-wait', 'overflow-branch']);
  ({ ctx } = fakeContext());
  await runSteps([queueStep({ kind: 'overflow', reason: 'no-agents', waitMs: 0 })], ctx);
  assert.deepEqual(ctx.route, ['queue:support', 'overflow:no-agents', 'no-agents-branch']);
  // A queue the ACD does not know counts as "no agents": the caller still gets the branch.
  ({ ctx } = fakeContext());
  await runSteps([queueStep(null)], ctx);
  assert.deepEqual(ctx.route, ['queue:support', 'overflow:no-agents', 'no-agents-branch']);
});

test('say date: weekday, month, day and year prompts', () => {
  assert.deepEqual(dateMedia('2026-11-23'), [
    'sound:digits/day-1',
    'sound:digits/mon-10',
    'number:23',
    'number:2026',
  ]);
  assert.deepEqual(dateMedia('not a date'), []);
});

test('the flows file is reloaded on change; a bad edit is refused and the old flows stay', async () => {
  const file = path.join(tempDir('watch'), 'flows.yaml');
  const good = { default: 'a', flows: { a: [{ type: 'hangup' }] } };
  writeFlows(file, good);
  const store = new FlowStore(parseFlows(good), file, silent);
  store.watch();
  try {
    const next = () =>
      new Promise<ReloadResult>((resolve) => {
        const off = store.onReload((r) => {
          off();
          resolve(r);
        });
      });
    let reloaded = next();
    writeFlows(file, { default: 'a', flows: { a: [{ type: 'nope' }] } });
    const bad = await reloaded;
    assert.equal(bad.ok, false);
    assert.match(
      bad.ok ? '' : bad.problems.join(),
      /flows\.a\[0\]\.type: unknown node type "nope"/,
    );
    assert.equal(store.current().flows.a![0]!.type, 'hangup');
    assert.deepEqual(store.status().lastError?.length, 1);

    reloaded = next();
    writeFlows(file, { default: 'b', flows: { b: [{ type: 'play', media: 'sound:beep' }] } });
    assert.equal((await reloaded).ok, true);
    assert.equal(store.current().default, 'b');
    assert.equal(store.status().lastError, null);
  } finally {
    store.close();
  }
});
