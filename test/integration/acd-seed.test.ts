// npm start's ACD seed (config/acd-demo.json): agents and the demo queue exist after start,
// the seed does not overwrite what an admin changed, and a bad seed stops the start clearly.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { adminAuth } from '../support/env.ts';
import { startTestSidecar } from '../support/harness.ts';

const portal = () => String(200000 + Math.floor(Math.random() * 799999));

test('the demo seed creates agents and the support queue, once', async () => {
  const portalId = portal();
  const env = { HUBSPOT_PORTAL_ID: portalId, ACD_SEED_FILE: 'config/acd-demo.json' };
  const s = await startTestSidecar(env, 'acdseed');
  try {
    const queues = (await (
      await fetch(`${s.url}/api/acd/queues`, { headers: adminAuth })
    ).json()) as {
      queues: { id: string; number: string; strategy: string; members: unknown[] }[];
    };
    assert.deepEqual(
      queues.queues.map((q) => [q.id, q.number, q.strategy, q.members.length]),
      [['support', '0577235599', 'longest-idle', 2]],
    );
    const agents = (await (await fetch(`${s.url}/api/agents`, { headers: adminAuth })).json()) as {
      agents: { name: string; state: string }[];
    };
    assert.deepEqual(agents.agents.map((a) => a.state).sort(), ['available', 'logged-off']);
    assert.equal(s.acd.queues.has(portalId, 'support'), true);
    assert.equal(s.acd.queues.has('other', 'support'), false);
  } finally {
    await s.shutdown();
  }
});

test('a bad seed file stops the start with the problem named', async () => {
  const file = `/tmp/centralino-bad-seed-${process.pid}.json`;
  await writeFile(file, JSON.stringify({ agents: [{ number: 'x1', name: 'A', pin: '1' }] }));
  await assert.rejects(
    startTestSidecar({ HUBSPOT_PORTAL_ID: portal(), ACD_SEED_FILE: file }, 'acdseedbad'),
    /ACD_SEED_FILE .*agents\.0\.number: digits only/,
  );
});
