// The calling widget and the ACD share one presence (H2 "same state as the ACD"): an agent
// who logs in or pauses in the widget is what queues see, and a pause by the ACD (or by phone)
// shows in the widget.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminAuth } from '../support/env.ts';
import { startTestSidecar, type TestSidecar } from '../support/harness.ts';
import { WIDGET_SECRET, agentToken, widgetApi } from '../support/widget.ts';

const PORTAL = '5151';
let sidecar: TestSidecar;
let agentId: string;

before(async () => {
  sidecar = await startTestSidecar(
    { HUBSPOT_PORTAL_ID: PORTAL, WIDGET_SESSION_SECRET: WIDGET_SECRET },
    'widgetacd',
  );
  const created = await fetch(`${sidecar.url}/api/acd/agents?portalId=${PORTAL}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...adminAuth },
    body: JSON.stringify({
      number: '401',
      name: 'Sara',
      pin: '4321',
      phoneNumber: '+390577000401',
    }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  agentId = ((await created.json()) as { id: string }).id;
});
after(async () => {
  await sidecar.shutdown();
});

const acdState = async () =>
  (await sidecar.acd.presence.get(PORTAL, agentId))?.state ?? 'unknown agent';

test('login, pause and logoff in the widget are the ACD agent’s state, and back', async () => {
  const token = agentToken(PORTAL, agentId);
  assert.equal(await acdState(), 'logged-off');
  assert.equal(
    (await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'login' })).status,
    200,
  );
  assert.equal(await acdState(), 'available');
  await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'pause', reason: 'lunch' });
  assert.equal(await acdState(), 'paused');

  // The other way: the ACD resumes the agent; the widget reads the same state.
  await sidecar.acd.presence.unpause(PORTAL, agentId);
  const me = await widgetApi(sidecar.url, token, 'GET', '/me');
  assert.equal(me.status, 200);
  assert.match(JSON.stringify(me.body), /"state":"available"/);

  await widgetApi(sidecar.url, token, 'POST', '/presence', { action: 'logoff' });
  assert.equal(await acdState(), 'logged-off');
});

test('an agent the ACD does not know cannot log in from the widget', async () => {
  const res = await widgetApi(sidecar.url, agentToken(PORTAL, 'ghost'), 'POST', '/presence', {
    action: 'login',
  });
  assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
});
