// H5: POST /webhooks/hubspot — v3 signatures (valid, wrong secret, modified body, stale
// timestamp), batches, de-duplication of redelivered events, per-object occurredAt order, the
// three handlers (form contact → pending authorization, contract status → event, tickets →
// mirror) and durability across a restart.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, test } from 'node:test';
import { OutboxEntity } from '../../sidecar/src/store/entities.ts';
import { startSidecar } from '../../sidecar/src/main.ts';
import { loadConfig } from '../../sidecar/src/config.ts';
import { WebhookInboxEntity } from '../../sidecar/src/webhooks/entities.ts';
import { ari } from '../support/env.ts';
import { waitFor } from '../support/harness.ts';
import {
  CLIENT_SECRET,
  ENCRYPTION_KEY,
  installPortal,
  signedRequest,
  startAppEnv,
  type AppEnv,
} from '../support/hubspot-app.ts';

let env: AppEnv;
let portalId: number;
before(async () => {
  env = await startAppEnv({ tag: 'webhooks' });
  portalId = env.sandbox.createPortal().portalId;
  assert.equal((await installPortal(env, portalId)).status, 200);
});
after(async () => {
  await env.close();
});

let seq = 0;
function event(over: Record<string, unknown>) {
  seq += 1;
  return {
    eventId: 1_000_000 + randomInt(1_000_000_000),
    subscriptionId: 77,
    portalId,
    appId: env.app.appId,
    occurredAt: Date.now() - 1000 + seq,
    attemptNumber: 0,
    ...over,
  };
}

/** Resolves when the worker has processed `n` more events. */
function processed(n: number): Promise<void> {
  const worker = env.sidecar.hubspotApp.inboxWorker!;
  return new Promise((resolve) => {
    let left = n;
    const on = () => {
      left -= 1;
      if (left === 0) {
        worker.off('processed', on);
        resolve();
      }
    };
    worker.on('processed', on);
  });
}

const post = (body: unknown, o: Parameters<typeof signedRequest>[4] = {}) =>
  signedRequest(env.publicUrl, 'POST', '/webhooks/hubspot', body, o);

test('valid signature: a batch is stored and acknowledged fast, then processed', async () => {
  const batch = Array.from({ length: 100 }, (_, i) =>
    event({
      subscriptionType: 'contact.propertyChange',
      objectId: 500 + i,
      propertyName: 'firstname',
      propertyValue: 'x',
    }),
  );
  const done = processed(100);
  const res = await post(batch);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { received: 100, refused: 0 });
  assert.ok(res.ms < 1000, `acknowledged in ${res.ms} ms`);
  await done;
  const rows = await env.sidecar.ds
    .getRepository(WebhookInboxEntity)
    .find({ where: { portalId: String(portalId), subscriptionType: 'contact.propertyChange' } });
  assert.ok(rows.filter((r) => r.state === 'done').length >= 100);
});

test('wrong secret, modified body, stale timestamp and no signature are refused and store nothing', async () => {
  const count = () => env.sidecar.ds.getRepository(WebhookInboxEntity).count();
  const before = await count();
  const body = [
    event({ subscriptionType: 'contact.creation', objectId: 9001, changeSource: 'FORM' }),
  ];
  const wrong = await post(body, { secret: 'not-the-secret' });
  assert.equal(wrong.status, 401);
  assert.match(JSON.stringify(wrong.json), /mismatch/);
  const tampered = await post(body, { sentBody: JSON.stringify([{ ...body[0], objectId: 9002 }]) });
  assert.equal(tampered.status, 401);
  const stale = await post(body, { timestamp: Date.now() - 6 * 60_000 });
  assert.equal(stale.status, 401);
  assert.match(JSON.stringify(stale.json), /stale-timestamp/);
  const unsigned = await fetch(`${env.publicUrl}/webhooks/hubspot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(unsigned.status, 401);
  assert.equal(await count(), before);
});

test('a replayed event (same eventId and portal) is processed once', async () => {
  const bus = env.sidecar.hubspotApp.contractStatus;
  const seen: string[] = [];
  const off = bus.subscribe((p, type, id, status) => seen.push(`${p}/${type}/${id}=${status}`));
  const e = event({
    subscriptionType: 'company.propertyChange',
    objectId: 4242,
    propertyName: 'centralino_support_status',
    propertyValue: 'authorized',
  });
  const first = processed(1);
  assert.equal((await post([e])).status, 200);
  await first;
  // HubSpot redelivers it (attemptNumber 1), alone and inside a new batch.
  const other = event({
    subscriptionType: 'company.propertyChange',
    objectId: 4243,
    propertyName: 'centralino_support_status',
    propertyValue: 'revoked',
  });
  const second = processed(1);
  assert.equal((await post([{ ...e, attemptNumber: 1 }])).status, 200);
  assert.equal((await post([{ ...e, attemptNumber: 2 }, other])).status, 200);
  await second;
  off();
  assert.deepEqual(seen, [
    `${portalId}/companies/4242=authorized`,
    `${portalId}/companies/4243=revoked`,
  ]);
  const stored = await env.sidecar.ds
    .getRepository(WebhookInboxEntity)
    .count({ where: { portalId: String(portalId), eventId: String(e.eventId) } });
  assert.equal(stored, 1);
});

test('a contact created by the website form gets "pending authorization" through the outbox', async () => {
  const done = processed(2);
  const form = event({
    subscriptionType: 'contact.creation',
    objectId: 7001,
    changeSource: 'FORM',
  });
  const byHand = event({
    subscriptionType: 'contact.creation',
    objectId: 7002,
    changeSource: 'CRM_UI',
  });
  assert.equal((await post([form, byHand])).status, 200);
  await done;
  const rows = await env.sidecar.ds
    .getRepository(OutboxEntity)
    .find({ where: { kind: 'property-update', portalId: String(portalId) } });
  const forContact = rows.filter((r) => r.dedupeKey.startsWith('props:contacts:700'));
  assert.equal(forContact.length, 1, 'only the form-created contact');
  assert.equal(forContact[0]!.dedupeKey, 'props:contacts:7001:form-pending');
  assert.deepEqual(JSON.parse(forContact[0]!.payload), {
    object: { objectType: 'contacts', id: '7001' },
    properties: { centralino_support_status: 'pending_authorization' },
  });
});

test('events of one object are handled in occurredAt order, whatever order they arrive in', async () => {
  const seen: string[] = [];
  const off = env.sidecar.hubspotApp.contractStatus.subscribe((_p, _t, id, status) => {
    if (id === '8800') seen.push(status ?? 'null');
  });
  const t = Date.now() - 10_000;
  const change = (value: string, at: number) =>
    event({
      subscriptionType: 'deal.propertyChange',
      objectId: 8800,
      propertyName: 'centralino_support_status',
      propertyValue: value,
      occurredAt: at,
    });
  const done = processed(3);
  assert.equal(
    (await post([change('c', t + 3), change('a', t + 1), change('b', t + 2)])).status,
    200,
  );
  await done;
  off();
  assert.deepEqual(seen, ['a', 'b', 'c']);
});

test('tickets are mirrored: creation reads the ticket, changes apply, older events never win', async () => {
  const ticket = env.sandbox.seedObject(portalId, 'tickets', {
    properties: { subject: 'Boiler down', hs_pipeline: '0', hs_pipeline_stage: '1' },
  });
  const t = Date.now() - 5000;
  const created = processed(1);
  assert.equal(
    (
      await post([
        event({ subscriptionType: 'ticket.creation', objectId: Number(ticket.id), occurredAt: t }),
      ])
    ).status,
    200,
  );
  await created;
  const mirror = env.sidecar.hubspotApp.tickets;
  let row = await mirror.get(String(portalId), ticket.id);
  assert.equal(row?.subject, 'Boiler down');
  assert.equal(row?.status, '1');

  const changed = processed(2);
  const newer = event({
    subscriptionType: 'ticket.propertyChange',
    objectId: Number(ticket.id),
    propertyName: 'hs_pipeline_stage',
    propertyValue: '3',
    occurredAt: t + 200,
  });
  const owner = event({
    subscriptionType: 'ticket.propertyChange',
    objectId: Number(ticket.id),
    propertyName: 'hubspot_owner_id',
    propertyValue: '123',
    occurredAt: t + 100,
  });
  assert.equal((await post([newer, owner])).status, 200);
  await changed;
  // A delayed, older stage change arrives in a later request: it must not overwrite stage 3.
  const late = processed(1);
  assert.equal(
    (
      await post([
        event({
          subscriptionType: 'ticket.propertyChange',
          objectId: Number(ticket.id),
          propertyName: 'hs_pipeline_stage',
          propertyValue: '2',
          occurredAt: t + 150,
        }),
      ])
    ).status,
    200,
  );
  await late;
  row = await mirror.get(String(portalId), ticket.id);
  assert.equal(row?.status, '3');
  assert.equal(row?.ownerId, '123');

  const deleted = processed(1);
  assert.equal(
    (
      await post([
        event({
          subscriptionType: 'ticket.deletion',
          objectId: Number(ticket.id),
          occurredAt: t + 300,
        }),
      ])
    ).status,
    200,
  );
  await deleted;
  assert.equal((await mirror.get(String(portalId), ticket.id))?.deleted, true);
});

test('a failed event holds back later events of the same object until it succeeds', async () => {
  const ticket = env.sandbox.seedObject(portalId, 'tickets', {
    properties: { subject: 'Pump noise', hs_pipeline: '0', hs_pipeline_stage: '1' },
  });
  // HubSpot answers the ticket read with a 503 once: the creation event is deferred.
  env.sandbox.setFaults({
    failNext: { count: 1, status: 503 },
    pathPrefix: '/crm/v3/objects/tickets',
  });
  const worker = env.sidecar.hubspotApp.inboxWorker!;
  const order: string[] = [];
  const onProcessed = (row: { eventId: string }) => order.push(`done:${row.eventId}`);
  const onDeferred = (row: { eventId: string }) => order.push(`deferred:${row.eventId}`);
  worker.on('processed', onProcessed);
  worker.on('deferred', onDeferred);
  const t = Date.now() - 2000;
  const creation = event({
    subscriptionType: 'ticket.creation',
    objectId: Number(ticket.id),
    occurredAt: t,
  });
  const change = event({
    subscriptionType: 'ticket.propertyChange',
    objectId: Number(ticket.id),
    propertyName: 'subject',
    propertyValue: 'Pump noise (urgent)',
    occurredAt: t + 1,
  });
  const both = processed(2);
  assert.equal((await post([change, creation])).status, 200);
  await both;
  worker.off('processed', onProcessed);
  worker.off('deferred', onDeferred);
  env.sandbox.clearFaults();
  assert.deepEqual(order, [
    `deferred:${creation.eventId}`,
    `done:${creation.eventId}`,
    `done:${change.eventId}`,
  ]);
  assert.equal(
    (await env.sidecar.hubspotApp.tickets.get(String(portalId), ticket.id))?.subject,
    'Pump noise (urgent)',
  );
});

test('malformed events are refused and kept as dead rows; a non-array body is a 400', async () => {
  const res = await post([
    event({ subscriptionType: 'contact.creation', objectId: 1 }),
    { eventId: 'x', portalId },
  ]);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { received: 1, refused: 1 });
  const dead = await env.sidecar.ds
    .getRepository(WebhookInboxEntity)
    .find({ where: { subscriptionType: 'invalid' } });
  assert.ok(dead.some((r) => r.state === 'dead' && /eventId/.test(r.lastError ?? '')));
  assert.equal((await post({ not: 'an array' })).status, 400);
});

test('events stored but not processed survive a restart', async () => {
  await env.sidecar.hubspotApp.inboxWorker!.stop();
  const e = event({ subscriptionType: 'contact.creation', objectId: 7100, changeSource: 'FORM' });
  assert.equal((await post([e])).status, 200);
  const repo = env.sidecar.ds.getRepository(WebhookInboxEntity);
  assert.equal((await repo.findOneByOrFail({ eventId: String(e.eventId) })).state, 'pending');
  const databaseUrl =
    env.sidecar.ds.options.type === 'better-sqlite3'
      ? `sqlite:${String(env.sidecar.ds.options.database)}`
      : process.env.DATABASE_URL!;
  await env.sidecar.shutdown();
  const again = await startSidecar(
    loadConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      ARI_URL: ari.url,
      ARI_USERNAME: ari.username,
      ARI_PASSWORD: ari.password,
      ARI_APP: `t_webhooks_restart_${process.pid}`,
      DATABASE_URL: databaseUrl,
      HUBSPOT_API_BASE_URL: env.running.url,
      HUBSPOT_CLIENT_ID: env.app.clientId,
      HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
      TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
      WEBHOOK_POLL_MS: '50',
    }),
  );
  try {
    // The restarted process's worker picks the row up from the database.
    await waitFor(
      async () =>
        (
          await again.ds
            .getRepository(WebhookInboxEntity)
            .findOneByOrFail({ eventId: String(e.eventId) })
        ).state === 'done',
      10_000,
      'event processed after restart',
    );
    const outbox = await again.ds
      .getRepository(OutboxEntity)
      .findOneBy({ dedupeKey: 'props:contacts:7100:form-pending' });
    assert.ok(outbox);
  } finally {
    await again.shutdown();
  }
  // env.close() shuts the first sidecar down again: harmless (shutdown is idempotent).
});
