import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { selectAgent, type Candidate } from '../../sidecar/src/acd/domain/strategy.ts';
import { compareWaiting, positionOf } from '../../sidecar/src/acd/domain/waiting-line.ts';
import { AgentStateError, nextState } from '../../sidecar/src/acd/domain/agent-state.ts';
import { computeStats } from '../../sidecar/src/acd/domain/stats.ts';

const agent = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  agentId: id,
  number: id.replace(/\D/g, ''),
  skillLevel: 1,
  idleSince: 1000,
  position: Number(id.replace(/\D/g, '')),
  ...over,
});
const ctx = { lastPosition: -1 };

describe('selectAgent', () => {
  test('no candidates → null for every strategy', () => {
    assert.equal(selectAgent('longest-idle', [], ctx), null);
  });

  test('round robin: next position after the last offered, wrapping around', () => {
    const c = [agent('a1'), agent('a2'), agent('a3')];
    assert.equal(selectAgent('round-robin', c, { lastPosition: -1 }), 'a1');
    assert.equal(selectAgent('round-robin', c, { lastPosition: 1 }), 'a2');
    assert.equal(selectAgent('round-robin', c, { lastPosition: 3 }), 'a1');
    // a2 busy (not a candidate): after a1 comes a3.
    assert.equal(selectAgent('round-robin', [agent('a1'), agent('a3')], { lastPosition: 1 }), 'a3');
  });

  test('skill: highest level; ties → longest idle; then lowest number', () => {
    const c = [
      agent('a1', { skillLevel: 3, idleSince: 500 }),
      agent('a2', { skillLevel: 5, idleSince: 900 }),
      agent('a3', { skillLevel: 5, idleSince: 800 }),
    ];
    assert.equal(selectAgent('skill', c, ctx), 'a3');
    const tie = [agent('a9', { skillLevel: 5 }), agent('a4', { skillLevel: 5 })];
    assert.equal(selectAgent('skill', tie, ctx), 'a4');
  });

  test('agent numbers compare as numbers when both are numeric', () => {
    assert.equal(selectAgent('longest-idle', [agent('a10'), agent('a9')], ctx), 'a9');
  });

  test('longest idle: earliest idleSince', () => {
    const c = [agent('a1', { idleSince: 300 }), agent('a2', { idleSince: 100 })];
    assert.equal(selectAgent('longest-idle', c, ctx), 'a2');
  });

  test('most talk: most talk time; ties → longest idle; unknown agents count 0', () => {
    const c = [
      agent('a1', { idleSince: 50 }),
      agent('a2', { idleSince: 90 }),
      agent('a3', { idleSince: 10 }),
    ];
    const talkMs = new Map([
      ['a1', 5000],
      ['a2', 9000],
    ]);
    assert.equal(selectAgent('most-talk', c, { ...ctx, talkMs }), 'a2');
    const tie = new Map([
      ['a1', 9000],
      ['a2', 9000],
    ]);
    assert.equal(selectAgent('most-talk', c, { ...ctx, talkMs: tie }), 'a1');
    assert.equal(selectAgent('most-talk', c, ctx), 'a3');
  });

  test('sticky: the last agent when free, else longest idle', () => {
    const c = [agent('a1', { idleSince: 10 }), agent('a2', { idleSince: 20 })];
    assert.equal(selectAgent('sticky', c, { ...ctx, stickyAgentId: 'a2' }), 'a2');
    assert.equal(selectAgent('sticky', c, { ...ctx, stickyAgentId: 'a7' }), 'a1');
    assert.equal(selectAgent('sticky', c, { ...ctx, stickyAgentId: null }), 'a1');
  });

  test('agent code: the agent with that number, else longest idle', () => {
    const c = [agent('a1', { idleSince: 10 }), agent('a2', { idleSince: 20 })];
    assert.equal(selectAgent('agent-code', c, { ...ctx, agentCode: '2' }), 'a2');
    assert.equal(selectAgent('agent-code', c, { ...ctx, agentCode: '5' }), 'a1');
  });

  test('caller prefix: longest matching prefix of an available agent; + and 00 ignored', () => {
    const c = [
      agent('a1', { idleSince: 10 }),
      agent('a2', { idleSince: 20 }),
      agent('a3', { idleSince: 30 }),
    ];
    const prefixRules = [
      { prefix: '+39', agentId: 'a2' },
      { prefix: '0039055', agentId: 'a3' },
    ];
    assert.equal(
      selectAgent('caller-prefix', c, { ...ctx, prefixRules, callerNumber: '+39055123' }),
      'a3',
    );
    assert.equal(
      selectAgent('caller-prefix', c, { ...ctx, prefixRules, callerNumber: '+390577111' }),
      'a2',
    );
    assert.equal(
      selectAgent('caller-prefix', c, { ...ctx, prefixRules, callerNumber: '+4420' }),
      'a1',
    );
    // The best rule's agent is not available: next rule.
    assert.equal(
      selectAgent('caller-prefix', [agent('a1'), agent('a2')], {
        ...ctx,
        prefixRules,
        callerNumber: '+39055123',
      }),
      'a2',
    );
    assert.equal(
      selectAgent('caller-prefix', c, { ...ctx, prefixRules, callerNumber: null }),
      'a1',
    );
  });
});

describe('waiting line', () => {
  test('priority first, then arrival, then sequence', () => {
    const a = { priority: 0, enqueuedAt: 1, seq: 0 };
    const b = { priority: 5, enqueuedAt: 9, seq: 1 };
    const c = { priority: 0, enqueuedAt: 1, seq: 2 };
    assert.deepEqual([c, a, b].sort(compareWaiting), [b, a, c]);
    assert.equal(positionOf([a, b, c], c), 3);
    assert.equal(positionOf([a, b, c], b), 1);
  });
});

describe('agent states', () => {
  test('offer only when available; a pause during a call survives the call', () => {
    assert.equal(nextState('available', { type: 'offer' }).state, 'ringing');
    assert.throws(() => nextState('paused', { type: 'offer' }), AgentStateError);
    assert.equal(nextState('ringing', { type: 'answered' }).state, 'busy');
    assert.equal(nextState('busy', { type: 'pause', reason: 'x' }).state, 'paused');
    assert.equal(nextState('paused', { type: 'hung-up', wrapUp: true }).state, 'paused');
    assert.equal(nextState('busy', { type: 'hung-up', wrapUp: true }).state, 'wrap-up');
    assert.equal(nextState('busy', { type: 'hung-up', wrapUp: false }).state, 'available');
    assert.equal(nextState('wrap-up', { type: 'wrap-up-done' }).state, 'available');
    assert.throws(() => nextState('logged-off', { type: 'pause', reason: 'x' }), AgentStateError);
    assert.equal(nextState('paused', { type: 'login' }).state, 'paused');
    assert.deepEqual(nextState('ringing', { type: 'pause', reason: 'no answer' }), {
      state: 'paused',
      pauseReason: 'no answer',
    });
  });
});

describe('stats', () => {
  test('service level, abandoned, per-agent talk', () => {
    const s = computeStats(
      [
        { queueId: 'q', agentId: 'a1', outcome: 'answered', waitMs: 5000, talkMs: 60_000 },
        { queueId: 'q', agentId: 'a1', outcome: 'answered', waitMs: 30_000, talkMs: 30_000 },
        { queueId: 'q', agentId: null, outcome: 'abandoned', waitMs: 10_000, talkMs: 0 },
        { queueId: 'q', agentId: null, outcome: 'overflow', waitMs: 15_000, talkMs: 0 },
      ],
      20_000,
    );
    assert.deepEqual(s.queues[0], {
      queueId: 'q',
      offered: 4,
      answered: 2,
      abandoned: 1,
      overflowed: 1,
      avgWaitMs: 15_000,
      maxWaitMs: 30_000,
      answeredWithinSl: 1,
      serviceLevel: 0.25,
    });
    assert.deepEqual(s.agents, [{ agentId: 'a1', calls: 2, talkMs: 90_000, talkMinutes: 1.5 }]);
  });
});
