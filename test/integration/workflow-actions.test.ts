// H4: the "send an SMS" workflow action end to end: HubSpot's v2-signed execution request →
// BLOCK → SMS through the Twilio sandbox → Twilio's signed delivered callback → callbacks API
// completion exactly once (outbox kind action-callback); undelivered → FAIL_CONTINUE; expiry;
// HubSpot retrying the same callbackId; bad signatures and bad inputs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ActionExecutionEntity } from '../../sidecar/src/actions/entities.ts';
import type { CompleteOutcome } from '../../sidecar/src/actions/types.ts';
import { OutboxEntity } from '../../sidecar/src/store/entities.ts';
import { installPortal, signedRequest, startAppEnv, type AppEnv } from '../support/hubspot-app.ts';

let env: AppEnv;
let portalId: number;
before(async () => {
  env = await startAppEnv({ tag: 'actions', twilio: true });
  portalId = env.sandbox.createPortal().portalId;
  assert.equal((await installPortal(env, portalId)).status, 200);
});
after(async () => {
  await env.close();
});

function execution(
  inputFields: Record<string, unknown>,
  callbackId = `ap-${portalId}-${randomUUID()}`,
  contactId = '901',
) {
  env.sandbox.registerCallback(portalId, {
    callbackId,
    actionDefinitionId: '55',
    objectType: 'CONTACT',
    objectId: contactId,
  });
  return {
    callbackId,
    origin: { portalId, actionDefinitionId: 55, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 1234 },
    object: { objectId: Number(contactId), objectType: 'CONTACT' },
    inputFields,
  };
}

const run = (body: unknown, o: Parameters<typeof signedRequest>[4] = { version: 'v2' }) =>
  signedRequest(env.publicUrl, 'POST', '/actions/send-sms', body, o);

function nextCompletion(): Promise<{ key: string; outcome: CompleteOutcome }> {
  return new Promise((resolve) => {
    const off = env.sidecar.hubspotApp.actions.onCompleted((_p, key, outcome) => {
      off();
      resolve({ key, outcome });
    });
  });
}

function callbackDelivered(callbackId: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (row: { kind: string; dedupeKey: string }) => {
      if (row.kind === 'action-callback' && row.dedupeKey === `callback:${callbackId}`) {
        env.sidecar.outbox.off('delivered', on);
        resolve();
      }
    };
    env.sidecar.outbox.on('delivered', on);
  });
}

test('send SMS: BLOCK, SMS sent and recorded, delivered callback completes the action once', async () => {
  const body = execution({
    phoneNumber: '333 123 4567',
    message: 'Your technician arrives at 10:00',
  });
  const res = await run(body);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, {
    outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' },
  });

  const sent = [...env.twilio!.sandbox.state.messages.values()].filter(
    (m) => m.to === '+393331234567',
  );
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.body, 'Your technician arrives at 10:00');
  const smsRow = await env.sidecar.ds
    .getRepository(OutboxEntity)
    .findOneByOrFail({ dedupeKey: `sms:${sent[0]!.sid}` });
  assert.equal(smsRow.kind, 'sms');
  assert.deepEqual((JSON.parse(smsRow.payload) as { associations: unknown }).associations, [
    { objectType: 'contacts', id: '901' },
  ]);

  // HubSpot retries the same request (its answer got lost): same answer, no second SMS.
  const retried = await run(body);
  assert.deepEqual(retried.json, res.json);
  assert.equal(
    [...env.twilio!.sandbox.state.messages.values()].filter((m) => m.to === '+393331234567').length,
    1,
  );

  const completed = nextCompletion();
  const delivered = callbackDelivered(body.callbackId);
  await env.twilio!.sandbox.drain(sent[0]!.sid);
  assert.equal((await completed).outcome, 'completed');
  await delivered;
  const cb = env.sandbox.callbacks(portalId).find((c) => c.callbackId === body.callbackId)!;
  assert.equal(cb.completions.length, 1);
  assert.deepEqual(cb.completions[0]!.outputFields, {
    messageSid: sent[0]!.sid,
    deliveryStatus: 'delivered',
    hs_execution_state: 'SUCCESS',
  });

  // The same final status again (Twilio repeats, another process): nothing more is sent.
  const again = await env.sidecar.hubspotApp.actions.complete(
    String(portalId),
    `sms:${(await executionOf(body.callbackId)).id}`,
    { messageSid: 'x', deliveryStatus: 'delivered' },
  );
  assert.equal(again, 'already-completed');
  const rows = await env.sidecar.ds
    .getRepository(OutboxEntity)
    .countBy({ dedupeKey: `callback:${body.callbackId}` });
  assert.equal(rows, 1);
});

test('an undelivered SMS completes the action with FAIL_CONTINUE', async () => {
  env.twilio!.sandbox.setDeliveryOutcome('+393337654321', {
    status: 'undelivered',
    errorCode: 30005,
  });
  const body = execution({ phoneNumber: '+39 333 765 4321', message: 'Hello' });
  assert.equal((await run(body)).status, 200);
  const sid = [...env.twilio!.sandbox.state.messages.values()].find(
    (m) => m.to === '+393337654321',
  )!.sid;
  const delivered = callbackDelivered(body.callbackId);
  await env.twilio!.sandbox.drain(sid);
  await delivered;
  const cb = env.sandbox.callbacks(portalId).find((c) => c.callbackId === body.callbackId)!;
  assert.deepEqual(
    cb.completions.map((c) => c.outputFields),
    [{ messageSid: sid, deliveryStatus: 'undelivered', hs_execution_state: 'FAIL_CONTINUE' }],
  );
});

test('an execution past its expiration is marked expired and never completed late', async () => {
  const body = execution({ phoneNumber: '+393330000111', message: 'Late' });
  assert.equal((await run(body)).status, 200);
  const row = await executionOf(body.callbackId);
  assert.equal(row.state, 'blocked');
  // A day later (expires_at moved into the past rather than waiting P1D): the expiry job runs.
  await env.sidecar.ds
    .getRepository(ActionExecutionEntity)
    .update({ id: row.id }, { expiresAt: Date.now() - 1 });
  assert.equal(await env.sidecar.hubspotApp.actions.expireDue(), 1);
  assert.equal((await executionOf(body.callbackId)).state, 'expired');
  const completed = nextCompletion();
  const sid = [...env.twilio!.sandbox.state.messages.values()].find(
    (m) => m.to === '+393330000111',
  )!.sid;
  await env.twilio!.sandbox.drain(sid);
  assert.equal((await completed).outcome, 'expired');
  assert.equal(
    await env.sidecar.ds
      .getRepository(OutboxEntity)
      .countBy({ dedupeKey: `callback:${body.callbackId}` }),
    0,
  );
  assert.equal(
    env.sandbox.callbacks(portalId).find((c) => c.callbackId === body.callbackId)!.completions
      .length,
    0,
  );
});

test('bad signatures, bad inputs and forged Twilio callbacks are refused', async () => {
  const body = execution({ phoneNumber: '+393330000222', message: 'x' });
  assert.equal((await run(body, { version: 'v2', secret: 'wrong' })).status, 401);
  assert.equal(
    (
      await run(body, {
        version: 'v2',
        sentBody: JSON.stringify({
          ...body,
          inputFields: { phoneNumber: '+393330000999', message: 'x' },
        }),
      })
    ).status,
    401,
  );
  // v3 (newer HubSpot requests) is accepted too; a stale v3 is not.
  assert.equal(
    (await run(execution({ phoneNumber: 'not a number', message: 'x' }), { version: 'v3' })).status,
    400,
  );
  assert.equal(
    (await run(body, { version: 'v3', timestamp: Date.now() - 10 * 60_000 })).status,
    401,
  );
  const bad = await run(execution({ phoneNumber: 'not a number', message: '' }));
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json), /not a phone number/);
  assert.match(JSON.stringify(bad.json), /message is empty/);
  assert.equal(
    [...env.twilio!.sandbox.state.messages.values()].filter((m) => m.to === '+393330000222').length,
    0,
  );

  const forged = await fetch(`${env.publicUrl}/twilio/sms-status/${portalId}/${randomUUID()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' },
    body: 'MessageSid=SMx&MessageStatus=delivered',
  });
  assert.equal(forged.status, 403);
});

async function executionOf(callbackId: string) {
  return env.sidecar.ds.getRepository(ActionExecutionEntity).findOneByOrFail({ callbackId });
}
