// The campaign card's API (/api/cards/campaigns…) as main.ts wires it: signed v3 requests,
// the portal taken from the signed URL, a real campaign service on the real database and a
// real call through Asterisk between "Start" and the progress the card shows afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testDatabaseUrl } from '../support/env.ts';
import {
  api,
  baseDefinition,
  dialLog,
  startCampaignSidecar,
  TestClock,
} from '../support/campaigns.ts';
import { cardClient, type CardRequestOptions } from '../support/signed-card-request.ts';

const PUBLIC_URL = 'https://sidecar.example.com';
const SECRET = 'campaign-card-secret';
const OURS = '6161';
const THEIRS = '6262';

interface CardCampaign {
  campaign: {
    id: string;
    name: string;
    state: string;
    total: number;
    dialled: number;
    answered: number;
    yes: number;
    no: number;
    pending: number;
    failed: number;
  };
  contact: { state: string; attempts: number; rsvp: string | null; lastOutcome: string | null };
}

test('campaign card: a contact’s campaigns per portal, start from the card, progress after a real call', async (tc) => {
  const clock = new TestClock(Date.parse('2026-11-23T09:00:00Z')); // Monday 10:00 in Rome
  const log = dialLog();
  const s = await startCampaignSidecar({
    clock,
    databaseUrl: testDatabaseUrl('campaign-card'),
    observer: log.observer,
    env: { PUBLIC_URL, HUBSPOT_CLIENT_SECRET: SECRET },
  });
  tc.after(() => s.shutdown());
  const signed = cardClient(s.url, PUBLIC_URL, SECRET);
  // The signature's timestamp is checked against the sidecar's (test) clock.
  const card = (method: string, path: string, portalId: string, o: CardRequestOptions = {}) =>
    signed(method, path, { portalId, timestamp: clock.ms, ...o });
  const campaignsOf = async (portalId: string, objectId = '901', objectType = 'contacts') => {
    const res = await card(
      'GET',
      `/api/cards/campaigns?objectType=${objectType}&objectId=${objectId}`,
      portalId,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.campaigns as CardCampaign[];
  };

  // The same CRM contact id (901) is in a campaign of each portal.
  const create = async (portalId: string, name: string, phone: string) => {
    const c = await api<{ id: string }>(
      s,
      'POST',
      `/api/portals/${portalId}/campaigns`,
      baseDefinition({ name }),
    );
    assert.equal(c.status, 201);
    const added = await api<{ added: number }>(
      s,
      'POST',
      `/api/portals/${portalId}/campaigns/${c.body.id}/contacts`,
      { rows: [{ phone, contact_id: '901' }] },
    );
    assert.equal(added.body.added, 1);
    return c.body.id;
  };
  const ours = await create(OURS, 'Gala', '+390577100001'); // the recipient presses 1
  const theirs = await create(THEIRS, 'Their gala', '+390577100002');

  const before = await campaignsOf(OURS);
  assert.deepEqual(
    before.map((c) => [c.campaign.id, c.campaign.name, c.campaign.state, c.campaign.total]),
    [[ours, 'Gala', 'draft', 1]],
  );
  assert.deepEqual(before[0]!.contact, {
    state: 'pending',
    attempts: 0,
    rsvp: null,
    lastOutcome: null,
  });
  // Each portal sees its own campaign only; a third sees none; non-contacts are in none.
  assert.deepEqual(
    (await campaignsOf(THEIRS)).map((c) => c.campaign.id),
    [theirs],
  );
  assert.deepEqual(await campaignsOf('7777'), []);
  assert.deepEqual(await campaignsOf(OURS, '901', 'companies'), []);

  // Another portal cannot act on our campaign, and learns nothing about it.
  const foreign = await card('POST', `/api/cards/campaigns/${ours}/start`, THEIRS);
  assert.equal(foreign.status, 404);
  assert.equal((await campaignsOf(OURS))[0]!.campaign.state, 'draft');
  // Bad requests: unsigned, unknown action, a state that refuses the action.
  assert.equal(
    (await card('POST', `/api/cards/campaigns/${ours}/start`, OURS, { omitSignature: true }))
      .status,
    401,
  );
  assert.equal((await card('POST', `/api/cards/campaigns/${ours}/explode`, OURS)).status, 400);
  const pauseDraft = await card('POST', `/api/cards/campaigns/${ours}/pause`, OURS);
  assert.equal(pauseDraft.status, 409);
  assert.equal((pauseDraft.body.error as { code: string }).code, 'CAMPAIGN_STATE');

  // Start from the card: a real call, answered with 1 (will attend).
  const called = log.hangupCount(1);
  const started = await card('POST', `/api/cards/campaigns/${ours}/start`, OURS);
  assert.deepEqual([started.status, started.body], [200, { state: 'running' }]);
  await called;
  assert.deepEqual(
    log.dials.map((d) => d.phone),
    ['+390577100001'],
  );
  const after = (await campaignsOf(OURS))[0]!;
  assert.deepEqual(
    {
      dialled: after.campaign.dialled,
      answered: after.campaign.answered,
      yes: after.campaign.yes,
      no: after.campaign.no,
      pending: after.campaign.pending,
      failed: after.campaign.failed,
    },
    { dialled: 1, answered: 1, yes: 1, no: 0, pending: 0, failed: 0 },
  );
  assert.deepEqual(after.contact, {
    state: 'done',
    attempts: 1,
    rsvp: 'yes',
    lastOutcome: 'answered',
  });
  // Their campaign was never started by any of this.
  assert.equal((await campaignsOf(THEIRS))[0]!.campaign.state, 'draft');

  // Cancel from the card (their portal, their campaign).
  const cancelled = await card('POST', `/api/cards/campaigns/${theirs}/cancel`, THEIRS);
  assert.deepEqual(cancelled.body, { state: 'cancelled' });
  const theirsNow = (await campaignsOf(THEIRS))[0]!;
  assert.deepEqual([theirsNow.campaign.state, theirsNow.contact.state], ['cancelled', 'skipped']);
});
