// Builds agents and queues through the ACD's HTTP API (what the settings page does).
import assert from 'node:assert/strict';
import { placeCall } from '../../asterisk/caller.ts';
import type { QueueResult } from '../../sidecar/src/acd/port.ts';
import type { AcdTestSidecar } from './acd.ts';
import { ari } from './env.ts';

export interface TestAgent {
  id: string;
  number: string;
}

export async function createAgent(
  s: AcdTestSidecar,
  number: string,
  dial: { sipUri: string } | { phoneNumber: string } | { dial: string },
  pin = '1234',
): Promise<TestAgent> {
  const res = await s.api<{ id: string }>('POST', '/api/acd/agents', {
    number,
    name: `Agent ${number}`,
    pin,
    ...dial,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id, number };
}

export async function putQueue(s: AcdTestSidecar, id: string, body: Record<string, unknown>) {
  const res = await s.api('PUT', `/api/acd/queues/${id}`, {
    name: id,
    ringSeconds: 2,
    maxRings: 2,
    maxWaitSeconds: 30,
    announceSeconds: 0,
    record: false,
    ...body,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** Logs agents in one after the other, each a millisecond later: idle order = this order. */
export async function loginInOrder(s: AcdTestSidecar, agents: readonly TestAgent[]) {
  for (const a of agents) {
    await s.api('POST', `/api/agents/${a.id}/logoff`);
    const before = Date.now();
    while (Date.now() === before) await new Promise((r) => setImmediate(r));
    const res = await s.api<{ state: string }>('POST', `/api/agents/${a.id}/login`);
    assert.equal(res.body.state, 'available');
  }
}

export async function logoffAll(s: AcdTestSidecar, agents: readonly TestAgent[]) {
  for (const a of agents) await s.api('POST', `/api/agents/${a.id}/logoff`);
}

/** One caller into the queue's number; resolves with the queue's result. */
export async function queueCall(
  s: AcdTestSidecar,
  to: string,
  from: string,
  opts: { holdSeconds?: number; digits?: string } = {},
): Promise<QueueResult> {
  const result = s.nextResult(from);
  await placeCall(ari, {
    from,
    to,
    app: s.app,
    holdSeconds: opts.holdSeconds ?? 1.5,
    ...(opts.digits ? { digits: opts.digits } : {}),
  });
  return (await result).result;
}

export function agentOf(result: QueueResult): string {
  assert.equal(result.kind, 'answered', JSON.stringify(result));
  return result.kind === 'answered' ? result.agentId : '';
}

/** Resolves when `agentId` next enters `state` (subscribe before the action that causes it). */
export function untilAgentState(s: AcdTestSidecar, agentId: string, state: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const off = s.acd.presence.onChange((_p, st) => {
      if (st.agentId === agentId && st.state === state) {
        off();
        resolve();
      }
    });
  });
}
