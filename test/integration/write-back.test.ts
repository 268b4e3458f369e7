// The outbox as the single HubSpot writer: every kind end to end against the sandbox (row →
// object or event with its associations), exactly once when HubSpot commits a write and then
// answers 5xx, permanent refusals into the dead-letter view, and its HTTP API.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import express from 'express';
import type { FinishedCall } from '../../sidecar/src/domain/call.ts';
import type { CallOutboxPayload } from '../../sidecar/src/crm/call-sender.ts';
import type {
  ActionCallbackOutboxPayload,
  NoteOutboxPayload,
  PropertyUpdateOutboxPayload,
  SmsOutboxPayload,
  TimelineEventOutboxPayload,
} from '../../sidecar/src/outbox/kinds.ts';
import { RateSlotEntity } from '../../sidecar/src/crm/shared-pacer.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';
import { startWriteBack, uniqueId, type WriteBackRig } from '../support/write-back.ts';

const APP_ID = 515151;
const DEV_KEY = 'dev-key-write-back-test';
const ADMIN = 'admin-token-0123456789abcdef';

let crm: TestHubSpot;
let rig: WriteBackRig;
let contact: string;
let company: string;
let deal: string;
let ticket: string;

before(async () => {
  crm = await startTestHubSpot();
  crm.sandbox.registerOAuthApp({ appId: APP_ID, developerApiKey: DEV_KEY });
  rig = await startWriteBack(
    {
      ...crm.env,
      HUBSPOT_APP_ID: String(APP_ID),
      HUBSPOT_DEVELOPER_API_KEY: DEV_KEY,
      ADMIN_API_TOKEN: ADMIN,
    },
    { tag: 'writeback' },
  );
  const seed = (type: string, properties: Record<string, string>) =>
    crm.sandbox.seedObject(crm.portalId, type, { properties }).id;
  contact = seed('contacts', { firstname: 'Mario', phone: '+390577111222' });
  company = seed('companies', { name: 'Rossi srl' });
  deal = seed('deals', { dealname: 'Centralino', dealstage: 'appointmentscheduled' });
  ticket = seed('tickets', { subject: 'Line down', hs_pipeline_stage: '1' });
});

after(async () => {
  await rig.close();
  await crm.running.close();
});

beforeEach(() => crm.sandbox.clearFaults());

const objects = (type: string, prop: string, value: string) =>
  crm.sandbox.listObjects(crm.portalId, type).filter((o) => o.properties[prop] === value);

function call(id = uniqueId(), contactId: string | null = contact): FinishedCall {
  const t = Date.UTC(2026, 10, 20, 10, 0, 0);
  return {
    id,
    portalId: String(crm.portalId),
    direction: 'INBOUND',
    fromNumber: '+390577111222',
    toNumber: '+390577235501',
    contactId,
    startedAt: t,
    answeredAt: t + 2000,
    endedAt: t + 62_000,
    outcome: 'COMPLETED',
    note: null,
  };
}

describe('each kind, end to end', () => {
  test('call: one Call associated with contact, company, deal and ticket', async () => {
    const c = call();
    const payload: CallOutboxPayload = {
      call: c,
      associations: [
        { objectType: 'companies', id: company },
        { objectType: 'deals', id: deal },
        { objectType: 'tickets', id: ticket },
      ],
    };
    await rig.add('call', `call:${c.id}`, payload);
    const row = (await rig.settled([`call:${c.id}`])).get(`call:${c.id}`)!;
    assert.equal(row.state, 'sent');
    const [hs, ...more] = objects('calls', 'centralino_call_id', c.id);
    assert.equal(more.length, 0);
    assert.equal(hs?.id, row.remoteId);
    assert.equal(hs?.properties.hs_call_duration, '60000');
    assert.deepEqual(hs?.associations.contacts, [{ id: contact, typeIds: [194] }]);
    assert.deepEqual(hs?.associations.companies, [{ id: company, typeIds: [182] }]);
    assert.deepEqual(hs?.associations.deals, [{ id: deal, typeIds: [206] }]);
    assert.deepEqual(hs?.associations.tickets, [{ id: ticket, typeIds: [220] }]);
  });

  test('sms: a Communication with channel SMS on the contact and the deal', async () => {
    const sms: SmsOutboxPayload = {
      messageId: uniqueId(),
      direction: 'INBOUND',
      from: '+390577111222',
      to: '+390577000000',
      body: 'Confermo <domani> & grazie',
      at: Date.UTC(2026, 10, 20, 11),
      associations: [
        { objectType: 'contacts', id: contact },
        { objectType: 'deals', id: deal },
      ],
    };
    await rig.add('sms', `sms:${sms.messageId}`, sms);
    assert.equal(
      (await rig.settled([`sms:${sms.messageId}`])).get(`sms:${sms.messageId}`)?.state,
      'sent',
    );
    const [hs, ...more] = objects('communications', 'centralino_message_id', sms.messageId);
    assert.equal(more.length, 0);
    assert.equal(hs?.properties.hs_communication_channel_type, 'SMS');
    assert.equal(hs?.properties.hs_communication_logged_from, 'CRM');
    assert.match(
      hs?.properties.hs_communication_body ?? '',
      /Confermo &lt;domani&gt; &amp; grazie/,
    );
    assert.equal(hs?.properties.hs_timestamp, '2026-11-20T11:00:00.000Z');
    assert.deepEqual(hs?.associations.contacts, [{ id: contact, typeIds: [81] }]);
    assert.deepEqual(hs?.associations.deals, [{ id: deal, typeIds: [85] }]);
  });

  test('note (fax): the PDF is uploaded first and attached; associated with contact and ticket', async () => {
    const pdf = `/tmp/centralino-test/fax-${uniqueId()}.pdf`;
    writeFileSync(pdf, '%PDF-1.4\n% a fax page\n%%EOF\n');
    const note: NoteOutboxPayload = {
      noteId: uniqueId(),
      body: 'Fax from +390577111222 (1 page)',
      at: Date.UTC(2026, 10, 20, 12),
      attachments: [{ path: pdf, fileName: 'fax.pdf', contentType: 'application/pdf' }],
      associations: [
        { objectType: 'contacts', id: contact },
        { objectType: 'tickets', id: ticket },
      ],
    };
    await rig.add('note', `note:${note.noteId}`, note);
    assert.equal(
      (await rig.settled([`note:${note.noteId}`])).get(`note:${note.noteId}`)?.state,
      'sent',
    );
    const [hs, ...more] = objects('notes', 'centralino_note_id', note.noteId);
    assert.equal(more.length, 0);
    const fileId = hs?.properties.hs_attachment_ids ?? '';
    const file = crm.sandbox.state.requirePortal(crm.portalId).files.get(fileId);
    assert.ok(file, `attachment ${fileId} is an uploaded file`);
    assert.equal(file.bytes.toString(), '%PDF-1.4\n% a fax page\n%%EOF\n');
    assert.equal(file.mimeType, 'application/pdf');
    assert.deepEqual(hs?.associations.contacts, [{ id: contact, typeIds: [202] }]);
    assert.deepEqual(hs?.associations.tickets, [{ id: ticket, typeIds: [228] }]);
    // The row remembers the uploaded file, so a later retry would not upload it again.
    const stored = await rig.store.byDedupeKey(`note:${note.noteId}`);
    assert.deepEqual(
      (JSON.parse(stored!.payload) as { uploadedFileIds: string[] }).uploadedFileIds,
      [fileId],
    );
  });

  test('timeline event: the template is resolved by name (and created from manifest.json), the event has our id', async () => {
    const ev: TimelineEventOutboxPayload = {
      eventId: uniqueId(),
      template: 'rsvp',
      object: { objectType: 'contacts', id: contact },
      tokens: { event: 'Open day', answer: 'YES', number: '+390577111222' },
      at: Date.UTC(2026, 10, 20, 13),
    };
    await rig.add('timeline-event', `timeline:${ev.eventId}`, ev);
    assert.equal(
      (await rig.settled([`timeline:${ev.eventId}`])).get(`timeline:${ev.eventId}`)?.state,
      'sent',
    );
    const template = [...crm.sandbox.state.templates.values()].find(
      (t) => t.appId === APP_ID && t.name === 'rsvp',
    );
    assert.ok(template, 'template rsvp registered for the app');
    const events = crm.sandbox.timelineEvents(crm.portalId).filter((e) => e.id === ev.eventId);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.eventTemplateId, template.id);
    assert.equal(events[0]?.objectId, contact);
    assert.deepEqual(events[0]?.tokens, {
      event: 'Open day',
      answer: 'YES',
      number: '+390577111222',
    });
  });

  test('property update: rows for one record are merged in order; a missing record is a dead letter', async () => {
    const first: PropertyUpdateOutboxPayload = {
      object: { objectType: 'contacts', id: contact },
      properties: { firstname: 'Mariolino', lastname: 'Rossi' },
    };
    const second: PropertyUpdateOutboxPayload = {
      object: { objectType: 'contacts', id: contact },
      properties: { firstname: 'Mario' },
    };
    const missing: PropertyUpdateOutboxPayload = {
      object: { objectType: 'contacts', id: '999999999' },
      properties: { firstname: 'Nobody' },
    };
    const keys = [`props:a:${uniqueId()}`, `props:b:${uniqueId()}`, `props:c:${uniqueId()}`];
    await rig.add('property-update', keys[0]!, first);
    await rig.add('property-update', keys[1]!, second);
    await rig.add('property-update', keys[2]!, missing);
    const rows = await rig.settled(keys);
    assert.equal(rows.get(keys[0]!)?.state, 'sent');
    assert.equal(rows.get(keys[1]!)?.state, 'sent');
    assert.equal(rows.get(keys[2]!)?.state, 'dead');
    assert.match(rows.get(keys[2]!)?.lastError ?? '', /999999999/);
    const hs = crm.sandbox.listObjects(crm.portalId, 'contacts').find((o) => o.id === contact);
    assert.equal(hs?.properties.firstname, 'Mario');
    assert.equal(hs?.properties.lastname, 'Rossi');
  });

  test('action callback: the blocked workflow action is completed once, in the batch form', async () => {
    const cb = crm.sandbox.registerCallback(crm.portalId, {
      objectType: 'CONTACT',
      objectId: contact,
    });
    const payload: ActionCallbackOutboxPayload = {
      callbackId: cb.callbackId,
      outputFields: { hs_execution_state: 'SUCCESS', answer: 'YES' },
    };
    await rig.add('action-callback', `callback:${cb.callbackId}`, payload);
    assert.equal(
      (await rig.settled([`callback:${cb.callbackId}`])).get(`callback:${cb.callbackId}`)?.state,
      'sent',
    );
    const done = crm.sandbox.callbacks(crm.portalId).find((c) => c.callbackId === cb.callbackId);
    assert.equal(done?.completions.length, 1);
    assert.deepEqual(done?.completions[0]?.outputFields, payload.outputFields);
    const paths = crm.sandbox.requests({ portalId: crm.portalId }).map((r) => r.path);
    assert.ok(paths.includes('/automation/v4/actions/callbacks/complete'));
  });
});

describe('exactly once when HubSpot commits and then answers 5xx (applyBeforeFail)', () => {
  const lostAnswer = (pathPrefix: string, count = 1) =>
    crm.sandbox.setFaults({ failNext: { count, status: 502 }, applyBeforeFail: true, pathPrefix });

  test('calls: a batch written, answer lost, retried → still one Call each', async () => {
    const calls = [call(), call(), call(uniqueId(), null)];
    lostAnswer('/crm/v3/objects/calls/batch');
    for (const c of calls) await rig.add('call', `call:${c.id}`, { call: c });
    const rows = await rig.settled(calls.map((c) => `call:${c.id}`));
    for (const c of calls) {
      assert.equal(rows.get(`call:${c.id}`)?.state, 'sent');
      assert.equal(objects('calls', 'centralino_call_id', c.id).length, 1, `one Call for ${c.id}`);
    }
    const row = await rig.store.byDedupeKey(`call:${calls[0]!.id}`);
    assert.ok(row!.attempts >= 1, 'the first answer was lost, so it took a retry');
  });

  test('sms, note with file, timeline event, action callback: one object / event / completion each', async () => {
    const sms: SmsOutboxPayload = {
      messageId: uniqueId(),
      direction: 'OUTBOUND',
      from: '+390577000000',
      to: '+390577111222',
      body: 'Reminder',
      at: Date.now(),
      associations: [{ objectType: 'contacts', id: contact }],
    };
    const pdf = `/tmp/centralino-test/fax-${uniqueId()}.pdf`;
    writeFileSync(pdf, '%PDF-1.4\n%%EOF\n');
    const note: NoteOutboxPayload = {
      noteId: uniqueId(),
      body: 'Fax',
      at: Date.now(),
      attachments: [{ path: pdf, fileName: 'fax.pdf', contentType: 'application/pdf' }],
      associations: [{ objectType: 'contacts', id: contact }],
    };
    const ev: TimelineEventOutboxPayload = {
      eventId: uniqueId(),
      template: 'script-answers',
      object: { objectType: 'contacts', id: contact },
      tokens: {
        script: 'Survey',
        callType: 'support',
        summary: 'Q1: 5',
        complete: 'yes',
        callId: 'c-1',
      },
      at: Date.now(),
    };
    const cb = crm.sandbox.registerCallback(crm.portalId);

    lostAnswer('/crm/v3/objects/communications');
    await rig.add('sms', `sms:${sms.messageId}`, sms);
    await rig.settled([`sms:${sms.messageId}`]);
    assert.equal(objects('communications', 'centralino_message_id', sms.messageId).length, 1);

    lostAnswer('/files/v3/files');
    await rig.add('note', `note:${note.noteId}`, note);
    await rig.settled([`note:${note.noteId}`]);
    const notes = objects('notes', 'centralino_note_id', note.noteId);
    assert.equal(notes.length, 1);
    const files = [...crm.sandbox.state.requirePortal(crm.portalId).files.values()].filter((f) =>
      f.name.startsWith(note.noteId),
    );
    assert.equal(files.length, 1, 'the file lost its answer but exists once');
    assert.equal(notes[0]?.properties.hs_attachment_ids, files[0]?.id);

    lostAnswer('/integrators/timeline/v3/events');
    await rig.add('timeline-event', `timeline:${ev.eventId}`, ev);
    assert.equal(
      (await rig.settled([`timeline:${ev.eventId}`])).get(`timeline:${ev.eventId}`)?.state,
      'sent',
    );
    assert.equal(
      crm.sandbox.timelineEvents(crm.portalId).filter((e) => e.id === ev.eventId).length,
      1,
    );

    lostAnswer('/automation/v4/actions/callbacks');
    await rig.add('action-callback', `callback:${cb.callbackId}`, {
      callbackId: cb.callbackId,
      outputFields: { hs_execution_state: 'SUCCESS' },
    });
    assert.equal(
      (await rig.settled([`callback:${cb.callbackId}`])).get(`callback:${cb.callbackId}`)?.state,
      'sent',
    );
    const completed = crm.sandbox
      .callbacks(crm.portalId)
      .find((c) => c.callbackId === cb.callbackId);
    assert.equal(completed?.completions.length, 1);
  });
});

describe('permanent refusals and the dead-letter view', () => {
  let api: string;
  let server: Server;
  before(async () => {
    const app = express();
    for (const r of rig.routers) app.use(r);
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a batch where one call names a missing ticket: the others are sent, that row is dead with HubSpot’s 207 reason', async () => {
    const good = call();
    const bad = call();
    await rig.add('call', `call:${good.id}`, { call: good });
    await rig.add('call', `call:${bad.id}`, {
      call: bad,
      associations: [{ objectType: 'tickets', id: '888888888' }],
    });
    const rows = await rig.settled([`call:${good.id}`, `call:${bad.id}`]);
    assert.equal(rows.get(`call:${good.id}`)?.state, 'sent');
    assert.equal(rows.get(`call:${bad.id}`)?.state, 'dead');
    assert.match(rows.get(`call:${bad.id}`)?.lastError ?? '', /ticket.*888888888.*does not exist/);
    assert.equal(
      objects('calls', 'centralino_call_id', good.id)[0]?.associations.contacts?.[0]?.id,
      contact,
    );
    // The Call itself was written (and keeps its contact); only the ticket link was refused.
    const written = objects('calls', 'centralino_call_id', bad.id);
    assert.equal(written.length, 1);
    assert.deepEqual(written[0]?.associations.contacts, [{ id: contact, typeIds: [194] }]);
  });

  test('JSON API: scoped by portal, guarded by the admin token; retry and discard', async () => {
    const payload: PropertyUpdateOutboxPayload = {
      object: { objectType: 'contacts', id: '777777777' },
      properties: { firstname: 'Ghost' },
    };
    const key = `props:ghost:${uniqueId()}`;
    await rig.add('property-update', key, payload);
    assert.equal((await rig.settled([key])).get(key)?.state, 'dead');
    const auth = { authorization: `Bearer ${ADMIN}` };
    const portal = String(crm.portalId);

    assert.equal((await fetch(`${api}/api/outbox/dead?portalId=${portal}`)).status, 401);
    assert.equal(
      (
        await fetch(`${api}/api/outbox/dead?portalId=${portal}`, {
          headers: { authorization: 'Bearer wrong-token-0123456789' },
        })
      ).status,
      401,
    );
    assert.equal((await fetch(`${api}/api/outbox/dead`, { headers: auth })).status, 400);
    const other = (await (
      await fetch(`${api}/api/outbox/dead?portalId=1`, { headers: auth })
    ).json()) as { results: unknown[] };
    assert.deepEqual(other.results, [], 'another account sees none of these');

    const list = (await (
      await fetch(`${api}/api/outbox/dead?portalId=${portal}`, { headers: auth })
    ).json()) as {
      results: { id: string; dedupeKey: string; error: string; kind: string }[];
    };
    const dead = list.results.find((r) => r.dedupeKey === key);
    assert.ok(dead);
    assert.equal(dead.kind, 'property-update');
    assert.match(dead.error, /777777777/);

    // Another portal cannot touch it.
    assert.equal(
      (
        await fetch(`${api}/api/outbox/dead/${dead.id}/retry?portalId=1`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
      404,
    );

    // The record exists now: a retry delivers it.
    const created = crm.sandbox.seedObject(crm.portalId, 'contacts', {
      properties: { firstname: 'X' },
    });
    const row = await rig.store.byDedupeKey(key);
    await rig.ds.getRepository('Outbox').update(
      { id: row!.id },
      {
        payload: JSON.stringify({ ...payload, object: { objectType: 'contacts', id: created.id } }),
      },
    );
    const delivered = new Promise<void>((resolve) =>
      rig.worker.on('delivered', (r) => r.dedupeKey === key && resolve()),
    );
    assert.equal(
      (
        await fetch(`${api}/api/outbox/dead/${dead.id}/retry?portalId=${portal}`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
      204,
    );
    rig.worker.nudge();
    await delivered;
    assert.equal(
      crm.sandbox.listObjects(crm.portalId, 'contacts').find((o) => o.id === created.id)?.properties
        .firstname,
      'Ghost',
    );
    assert.equal((await rig.store.byDedupeKey(key))?.state, 'sent');

    // Discard: another dead letter leaves the view and stays discarded.
    const key2 = `props:ghost2:${uniqueId()}`;
    await rig.add('property-update', key2, payload);
    await rig.settled([key2]);
    const id2 = (await rig.store.byDedupeKey(key2))!.id;
    assert.equal(
      (
        await fetch(`${api}/api/outbox/dead/${id2}/discard?portalId=${portal}`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
      204,
    );
    assert.equal((await rig.store.byDedupeKey(key2))?.state, 'discarded');
    assert.equal(
      (
        await fetch(`${api}/api/outbox/dead/${id2}/discard?portalId=${portal}`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
      404,
    );

    // The HTML page: Basic auth challenge, then the table.
    const page = await fetch(`${api}/admin/outbox/dead?portalId=${portal}`);
    assert.equal(page.status, 401);
    assert.match(page.headers.get('www-authenticate') ?? '', /^Basic/);
    const basic = `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`;
    const html = await (
      await fetch(`${api}/admin/outbox/dead?portalId=${portal}`, {
        headers: { authorization: basic },
      })
    ).text();
    assert.match(html, /<table>/);
    assert.match(html, /calls|call:/);
    assert.doesNotMatch(html, new RegExp(key2), 'discarded rows are gone from the page');
  });
});

describe('429 from HubSpot', () => {
  test('the row waits as long as HubSpot says, and the whole portal budget is held for every process', async () => {
    crm.sandbox.setFaults({ rateLimitStorm: true, pathPrefix: '/crm/v3/objects/calls' });
    const c = call();
    const deferred = new Promise<string>((resolve) =>
      rig.worker.on('deferred', (row, error) => row.dedupeKey === `call:${c.id}` && resolve(error)),
    );
    const before = Date.now();
    await rig.add('call', `call:${c.id}`, { call: c });
    assert.match(await deferred, /rate limit.*TEN_SECONDLY_ROLLING/);
    const slot = await rig.ds
      .getRepository(RateSlotEntity)
      .findOneByOrFail({ bucket: `write:${crm.portalId}` });
    // X-HubSpot-RateLimit-Interval-Milliseconds is 10 000: nobody sends before it has passed.
    assert.ok(slot.nextAt >= before + 10_000, `budget held until +${slot.nextAt - before} ms`);
    const row = await rig.store.byDedupeKey(`call:${c.id}`);
    assert.equal(row?.state, 'pending', 'a 429 is never a dead letter');
    // Release the hold (as if the 10 s had passed) and let it through.
    crm.sandbox.clearFaults();
    await rig.ds
      .getRepository(RateSlotEntity)
      .update({ bucket: `write:${crm.portalId}` }, { nextAt: Date.now() });
    assert.equal((await rig.settled([`call:${c.id}`])).get(`call:${c.id}`)?.state, 'sent');
    assert.equal(objects('calls', 'centralino_call_id', c.id).length, 1);
  });
});
