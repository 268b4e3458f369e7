// The widget's Transfer section in headless Chromium on a real queue call: the agent sees the
// caller, picks a colleague, consults, and completes; the colleague ends up alone with the
// caller (SIPp agent phones, a scripted caller, the real sidecar serving the page).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
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
import { agentToken, WIDGET_SECRET } from '../support/widget.ts';

let s: AcdTestSidecar;
const phones: SipAgentPhone[] = [];
let a1: TestAgent, a2: TestAgent;
let browser: Browser;
let page: Page;
/** The colleague's widget: it shows the consultation from the other end. */
let colleaguePage: Page;

before(async () => {
  s = await startAcdSidecar('widgetxferui', { env: { WIDGET_SESSION_SECRET: WIDGET_SECRET } });
  phones.push(await startSipAgent('331', 'answer'), await startSipAgent('332', 'answer'));
  a1 = await createAgent(s, '331', { sipUri: phones[0]!.uri });
  a2 = await createAgent(s, '332', { sipUri: phones[1]!.uri });
  await putQueue(s, 'bdesk', {
    number: '0577900331',
    strategy: 'longest-idle',
    members: [{ agentId: a1.id }],
  });
  await loginInOrder(s, [a1, a2]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${s.url}/widget/#token=${agentToken(s.portalId, a1.id)}`);
  await page.locator('#status', { hasText: 'available' }).waitFor();
  colleaguePage = await browser.newPage();
  colleaguePage.setDefaultTimeout(15_000);
  await colleaguePage.goto(`${s.url}/widget/#token=${agentToken(s.portalId, a2.id)}`);
  await colleaguePage.locator('#status', { hasText: 'available' }).waitFor();
});

after(async () => {
  await browser?.close();
  await s?.shutdown();
  for (const p of phones) p.stop();
});

/** A transfer that breaks fails its test instead of leaving it waiting for an event forever. */
const WITHIN = { timeout: 30_000 };

/** Resolves once `agentId` talks with a queue caller (the ACD's own event). */
function untilTalking(agentId: string): Promise<void> {
  return new Promise((resolve) => {
    const off = s.acd.queues.agentCalls.on((_p, id) => {
      if (id === agentId && s.acd.queues.conversations.of(s.portalId, agentId)) {
        off();
        resolve();
      }
    });
  });
}

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

test(
  'consult a colleague and complete the transfer by clicking in the widget',
  WITHIN,
  async () => {
    const done = s.nextResult('+390577000331');
    const a1Busy = untilAgentState(s, a1.id, 'busy');
    const placed = await placeCall(ari, {
      from: '+390577000331',
      to: '0577900331',
      app: s.app,
      holdSeconds: 30,
    });
    const caller = placed.inboundChannelId;
    await a1Busy;
    const a1Leg = (await s.acd.queues.bridgedWith(s.portalId, a1.id))!.find((id) => id !== caller)!;

    const section = page.locator('#transfer');
    await section.waitFor();
    assert.equal(await page.locator('#qc-number').textContent(), '+390577000331');
    assert.equal(await page.locator('#qc-queue').textContent(), 'bdesk');
    await page.locator('#transfer-state', { hasText: 'Talking with the caller' }).waitFor();
    // The picker lists the available colleague (not the agent) and the queue.
    await page.locator('#transfer-target option', { hasText: 'Agent 332' }).waitFor({
      state: 'attached',
    });
    assert.equal(
      await page.locator('#transfer-target option', { hasText: 'Agent 331' }).count(),
      0,
    );
    await page.locator('#transfer-target').selectOption({ label: 'Agent 332' });

    await page.getByRole('button', { name: 'Consult' }).click();
    await page
      .locator('#transfer-state', { hasText: 'Talking with Agent 332; the caller is on hold' })
      .waitFor();
    assert.deepEqual(await s.acd.queues.bridgedWith(s.portalId, a1.id), [caller]);
    assert.equal(await page.locator('#btn-transfer').isHidden(), true);
    // The colleague sees who consults them, and about whom.
    await colleaguePage
      .locator('#consulted-text', {
        hasText: 'Agent 331 is consulting you about +390577000331 (queue bdesk)',
      })
      .waitFor();

    const a1LegGone = channelGone(a1Leg);
    const a2Talking = untilTalking(a2.id);
    await page.getByRole('button', { name: 'Complete transfer' }).click();
    await page.locator('#message', { hasText: 'Call transferred' }).waitFor();
    await section.waitFor({ state: 'hidden' });
    await a1LegGone;
    await a2Talking;
    // Once handed over, the colleague's widget shows the caller as their own queue call.
    await colleaguePage.locator('#consulted').waitFor({ state: 'hidden' });
    await colleaguePage.locator('#qc-number', { hasText: '+390577000331' }).waitFor();
    const bridged = (await s.acd.queues.bridgedWith(s.portalId, a2.id))!;
    assert.equal(bridged.length, 2, 'the caller and one agent leg');
    assert.ok(bridged.includes(caller) && !bridged.includes(a1Leg));
    assert.equal(await s.acd.queues.bridgedWith(s.portalId, a1.id), null);

    await s.telephony.client().channels.hangup({ channelId: caller });
    const { result } = await done;
    assert.equal(result.kind === 'answered' ? result.agentId : result.kind, a2.id);
  },
);
