// H1 isolation: account A cannot read or change account B's data through any endpoint of the
// HubSpot app. One table, endpoint × method; each attack is sent as (or naming) account A and
// aimed at B's records, and B's data is snapshotted before and compared after. Add a row for
// every new endpoint that touches account data.
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { computeTwilioSignature } from '../../sandbox/src/twilio/signature.ts';
import { ActionExecutionEntity } from '../../sidecar/src/actions/entities.ts';
import { PortalInstallEntity } from '../../sidecar/src/oauth/entities.ts';
import { OutboxEntity } from '../../sidecar/src/store/entities.ts';
import { TicketMirrorEntity, WebhookInboxEntity } from '../../sidecar/src/webhooks/entities.ts';
import { installPortal, signedRequest, startAppEnv, type AppEnv } from '../support/hubspot-app.ts';

let env: AppEnv;
let A: number;
let B: number;
let bTicketId: string;
let bExecutionId: string;
let bCallbackId: string;

before(async () => {
  env = await startAppEnv({ tag: 'isolation', twilio: true });
  A = env.sandbox.createPortal().portalId;
  B = env.sandbox.createPortal().portalId;
  assert.equal((await installPortal(env, A)).status, 200);
  assert.equal((await installPortal(env, B)).status, 200);
  // B's data: a mirrored ticket and a BLOCKed send-SMS execution.
  const worker = env.sidecar.hubspotApp.inboxWorker!;
  const processed = new Promise((resolve) => worker.once('processed', resolve));
  bTicketId = String(900_000 + randomInt(1000));
  const ev = {
    eventId: randomInt(1e9),
    portalId: B,
    appId: env.app.appId,
    occurredAt: Date.now(),
    subscriptionType: 'ticket.propertyChange',
    objectId: Number(bTicketId),
    propertyName: 'subject',
    propertyValue: 'B secret subject',
  };
  assert.equal((await signedRequest(env.publicUrl, 'POST', '/webhooks/hubspot', [ev])).status, 200);
  await processed;
  bCallbackId = `ap-${B}-${randomUUID()}`;
  env.sandbox.registerCallback(B, { callbackId: bCallbackId });
  const started = await signedRequest(
    env.publicUrl,
    'POST',
    '/actions/send-sms',
    {
      callbackId: bCallbackId,
      origin: { portalId: B },
      object: { objectId: 1, objectType: 'CONTACT' },
      inputFields: { phoneNumber: '+393331110000', message: 'for B' },
    },
    { version: 'v2' },
  );
  assert.equal(started.status, 200);
  bExecutionId = (
    await env.sidecar.ds
      .getRepository(ActionExecutionEntity)
      .findOneByOrFail({ callbackId: bCallbackId })
  ).id;
});
after(async () => {
  await env.close();
});

/** Everything the sidecar holds for account B. */
async function snapshotB() {
  const ds = env.sidecar.ds;
  const where = { portalId: String(B) };
  return {
    tickets: await ds.getRepository(TicketMirrorEntity).find({ where, order: { ticketId: 'ASC' } }),
    executions: await ds.getRepository(ActionExecutionEntity).find({ where, order: { id: 'ASC' } }),
    install: await ds
      .getRepository(PortalInstallEntity)
      .find({ where, select: { portalId: true, accessExpiresAt: true, scopes: true } }),
    // Rows, not their delivery state (the worker delivers B's rows meanwhile).
    outbox: await ds
      .getRepository(OutboxEntity)
      .find({ where, select: { id: true, kind: true, dedupeKey: true }, order: { id: 'ASC' } }),
    inbox: await ds.getRepository(WebhookInboxEntity).count({ where }),
  };
}

interface Attack {
  endpoint: string;
  method: 'GET' | 'POST';
  what: string;
  send(): Promise<{ status: number; text: string }>;
  /** Statuses acceptable for the attack (it must not be a success on B's data). */
  expect: number[];
}

const asText = (r: { status: number; json: unknown }) => ({
  status: r.status,
  text: JSON.stringify(r.json),
});

const attacks: Attack[] = [
  {
    endpoint: '/api/tickets/:ticketId',
    method: 'GET',
    what: "A's card reads B's ticket id",
    send: async () =>
      asText(
        await signedRequest(
          env.publicUrl,
          'GET',
          `/api/tickets/${bTicketId}?portalId=${A}`,
          undefined,
        ),
      ),
    expect: [404],
  },
  {
    endpoint: '/api/tickets/:ticketId',
    method: 'GET',
    what: "A's card swaps portalId for B's without HubSpot's signature",
    send: async () => {
      const res = await fetch(`${env.publicUrl}/api/tickets/${bTicketId}?portalId=${B}`);
      return { status: res.status, text: await res.text() };
    },
    expect: [401],
  },
  {
    endpoint: '/webhooks/hubspot',
    method: 'POST',
    what: "an event of A about B's ticket id",
    send: async () =>
      asText(
        await signedRequest(env.publicUrl, 'POST', '/webhooks/hubspot', [
          {
            eventId: randomInt(1e9),
            portalId: A,
            occurredAt: Date.now() + 1000,
            subscriptionType: 'ticket.propertyChange',
            objectId: Number(bTicketId),
            propertyName: 'subject',
            propertyValue: 'overwritten by A',
          },
        ]),
      ),
    expect: [200],
  },
  {
    endpoint: '/actions/send-sms',
    method: 'POST',
    what: "A's workflow reuses B's callbackId",
    send: async () =>
      asText(
        await signedRequest(
          env.publicUrl,
          'POST',
          '/actions/send-sms',
          {
            callbackId: bCallbackId,
            origin: { portalId: A },
            inputFields: { phoneNumber: '+393331110001', message: 'from A' },
          },
          { version: 'v2' },
        ),
      ),
    expect: [409],
  },
  {
    endpoint: '/twilio/sms-status/:portalId/:executionId',
    method: 'POST',
    what: "a Twilio-signed status naming A with B's execution id",
    send: async () => {
      const url = `${env.publicUrl}/twilio/sms-status/${A}/${bExecutionId}`;
      const params = {
        MessageSid: 'SM00000000000000000000000000000000',
        MessageStatus: 'delivered',
      };
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': computeTwilioSignature(env.twilio!.authToken, url, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      return { status: res.status, text: await res.text() };
    },
    expect: [200],
  },
  {
    endpoint: '/oauth/uninstall',
    method: 'POST',
    what: 'A uninstalls (only A is removed)',
    send: async () =>
      asText(await signedRequest(env.publicUrl, 'POST', '/oauth/uninstall', { portalId: A })),
    expect: [200],
  },
];

for (const attack of attacks) {
  test(`${attack.method} ${attack.endpoint}: ${attack.what} — B unchanged and unread`, async () => {
    const before = await snapshotB();
    const worker = env.sidecar.hubspotApp.inboxWorker!;
    const processed =
      attack.endpoint === '/webhooks/hubspot'
        ? new Promise((r) => worker.once('processed', r))
        : undefined;
    const res = await attack.send();
    await processed;
    assert.ok(attack.expect.includes(res.status), `status ${res.status}: ${res.text}`);
    assert.ok(!res.text.includes('B secret subject'), 'B’s data leaked');
    assert.deepEqual(await snapshotB(), before);
  });
}

test('B’s own card still reads its ticket (the attacks were refused, not the endpoint broken)', async () => {
  const res = await signedRequest(
    env.publicUrl,
    'GET',
    `/api/tickets/${bTicketId}?portalId=${B}`,
    undefined,
  );
  assert.equal(res.status, 200);
  assert.equal((res.json as { subject: string }).subject, 'B secret subject');
});
