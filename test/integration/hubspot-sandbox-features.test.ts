// HubSpot sandbox: files, timeline events, workflow callbacks, calling settings, HTML page, CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Client } from '@hubspot/api-client';
import { createHubSpotSandbox, type RunningSandbox } from '../../sandbox/src/hubspot/index.ts';
import { jsonRequest, type Json } from '../support/json-request.ts';

const sandbox = createHubSpotSandbox();
const { portalId, accessToken } = sandbox.createPortal();
let running: RunningSandbox;
let client: Client;

const api = (method: string, path: string, body?: unknown, token: string | null = accessToken) =>
  jsonRequest(running.url, method, path, body, token);

async function upload(fields: Record<string, string>, bytes?: Uint8Array) {
  const fd = new FormData();
  if (bytes) fd.append('file', new Blob([bytes], { type: 'application/pdf' }), 'fax.pdf');
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  const res = await fetch(`${running.url}/files/v3/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
    body: fd,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

before(async () => {
  running = await sandbox.listen();
  client = new Client({ accessToken, basePath: running.url });
});
after(async () => running.close());

describe('files', () => {
  const pdf = new TextEncoder().encode('%PDF-1.4 fake fax document');

  it('uploads multipart files and serves their bytes, with Range', async () => {
    const up = await upload(
      { folderPath: '/faxes', options: JSON.stringify({ access: 'PUBLIC_NOT_INDEXABLE' }) },
      pdf,
    );
    assert.equal(up.status, 201);
    assert.equal(up.body.size, pdf.length);
    assert.equal(up.body.name, 'fax');
    assert.equal(up.body.extension, 'pdf');
    const meta = await api('GET', `/files/v3/files/${String(up.body.id)}`);
    assert.equal(meta.body.url, up.body.url);
    const bytes = new Uint8Array(await (await fetch(String(up.body.url))).arrayBuffer());
    assert.deepEqual(bytes, pdf);
    const part = await fetch(String(up.body.url), { headers: { range: 'bytes=0-3' } });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), '%PDF');
    const note = await api('POST', '/crm/v3/objects/notes', {
      properties: {
        hs_timestamp: new Date().toISOString(),
        hs_note_body: 'Fax',
        hs_attachment_ids: String(up.body.id),
      },
    });
    assert.equal(note.status, 201);
  });

  it('rejects uploads without options, folder or file, and notes with unknown attachments', async () => {
    const options = JSON.stringify({ access: 'PRIVATE' });
    assert.equal((await upload({ folderPath: '/x' }, pdf)).status, 400);
    assert.equal((await upload({ options }, pdf)).status, 400);
    assert.equal((await upload({ folderPath: '/x', options })).status, 400);
    assert.equal(
      (await upload({ folderPath: '/x', options: '{"access":"OPEN"}' }, pdf)).status,
      400,
    );
    const note = await api('POST', '/crm/v3/objects/notes', {
      properties: { hs_timestamp: new Date().toISOString(), hs_attachment_ids: '999' },
    });
    assert.equal(note.status, 400);
  });

  it('keeps private files behind a signed URL', async () => {
    const up = await upload(
      { folderPath: '/private', options: JSON.stringify({ access: 'PRIVATE' }) },
      pdf,
    );
    assert.equal((await fetch(String(up.body.url))).status, 403);
    const signed = await api('GET', `/files/v3/files/${String(up.body.id)}/signed-url`);
    assert.equal((await fetch(String(signed.body.url))).status, 200);
  });
});

describe('timeline events', () => {
  const app = sandbox.registerOAuthApp({ redirectUris: ['https://x.example.com/cb'] });
  const template = sandbox.registerTimelineTemplate(app.appId, {
    name: 'RSVP',
    objectType: 'contacts',
    headerTemplate: '{{answer}}',
    tokens: [
      {
        name: 'answer',
        label: 'Answer',
        type: 'enumeration',
        options: [{ label: 'Yes', value: 'yes' }],
      },
      { name: 'guests', label: 'Guests', type: 'number' },
    ],
  });

  it('creates events and validates template, tokens and ids', async () => {
    const contact = sandbox.seedObject(portalId, 'contacts', { properties: { firstname: 'Eve' } });
    const event = {
      eventTemplateId: template.id,
      objectId: contact.id,
      tokens: { answer: 'yes', guests: '2' },
      id: 'rsvp-1',
    };
    const created = await client.crm.timeline.eventsApi.create(event);
    assert.equal(created.id, 'rsvp-1');
    assert.equal((await api('POST', '/integrators/timeline/v3/events', event)).status, 409);
    assert.equal(
      (
        await api('POST', '/integrators/timeline/v3/events', {
          ...event,
          id: 'b',
          eventTemplateId: '42',
        })
      ).status,
      404,
    );
    const unknownToken = await api('POST', '/integrators/timeline/v3/events', {
      ...event,
      id: 'c',
      tokens: { color: 'red' },
    });
    assert.equal(unknownToken.status, 400);
    const badEnum = await api('POST', '/integrators/timeline/v3/events', {
      ...event,
      id: 'd',
      tokens: { answer: 'maybe' },
    });
    assert.equal(badEnum.status, 400);
    assert.equal(sandbox.timelineEvents(portalId).length, 1);
  });

  it('creates templates through the API with the developer key only', async () => {
    const path = `/integrators/timeline/v3/${app.appId}/event-templates`;
    const body = { name: 'Fax', objectType: 'contacts', tokens: [] };
    assert.equal((await api('POST', `${path}?hapikey=wrong`, body, null)).status, 401);
    const ok = await api('POST', `${path}?hapikey=${app.developerApiKey}`, body, null);
    assert.equal(ok.status, 201);
  });
});

describe('workflow action callbacks', () => {
  it('completes a registered callback once', async () => {
    const cb = sandbox.registerCallback(portalId, { actionDefinitionId: '7' });
    await client.automation.actions.callbacksApi.complete(cb.callbackId, {
      outputFields: { hs_execution_state: 'SUCCESS', result: 'sent' },
    });
    const stored = sandbox.callbacks(portalId).find((c) => c.callbackId === cb.callbackId);
    assert.deepEqual(
      stored?.completions.map((c) => c.outputFields),
      [{ hs_execution_state: 'SUCCESS', result: 'sent' }],
    );
    const path = `/automation/v4/actions/callbacks/${cb.callbackId}/complete`;
    assert.equal(
      (await api('POST', path, { outputFields: { hs_execution_state: 'SUCCESS' } })).status,
      400,
    );
    const unknown = await api('POST', '/automation/v4/actions/callbacks/nope/complete', {
      outputFields: {},
    });
    assert.equal(unknown.status, 404);
    const other = sandbox.registerCallback(portalId);
    const bad = await api('POST', `/automation/v4/actions/callbacks/${other.callbackId}/complete`, {
      outputFields: { hs_execution_state: 'DONE' },
    });
    assert.equal(bad.status, 400);
  });
});

describe('calling settings and dispositions', () => {
  const app = sandbox.registerOAuthApp();
  const path = `/crm/v3/extensions/calling/${app.appId}/settings`;

  it('registers the calling widget with the developer key', async () => {
    const body = {
      name: 'Centralino',
      url: 'https://sidecar.example.com/widget',
      width: 400,
      height: 650,
      isReady: true,
    };
    assert.equal((await api('POST', `${path}?hapikey=nope`, body, null)).status, 401);
    assert.equal(
      (await api('POST', `${path}?hapikey=${app.developerApiKey}`, { ...body, color: 'red' }, null))
        .status,
      400,
    );
    const created = await api('POST', `${path}?hapikey=${app.developerApiKey}`, body, null);
    assert.equal(created.status, 200);
    assert.equal(created.body.supportsInboundCalling, false);
    const patched = await api(
      'PATCH',
      `${path}?hapikey=${app.developerApiKey}`,
      { supportsInboundCalling: true },
      null,
    );
    assert.equal(patched.body.supportsInboundCalling, true);
    assert.equal(patched.body.name, 'Centralino');
    const rec = await api(
      'POST',
      `${path}/recording?hapikey=${app.developerApiKey}`,
      {
        urlToRetrieveAuthedRecording: 'https://sidecar.example.com/recordings/%s',
      },
      null,
    );
    assert.equal(rec.status, 200);
  });

  it('lists the six default dispositions', async () => {
    const r = await api('GET', '/calling/v1/dispositions');
    const list = r.body as unknown as Array<{ id: string; label: string }>;
    assert.equal(list.length, 6);
    assert.ok(
      list.some((d) => d.id === 'f240bbac-87c9-4f6e-bf70-924b57d47db7' && d.label === 'Connected'),
    );
  });
});

describe('HTML page', () => {
  it('shows a contact’s calls, newest first, escaped', async () => {
    const contact = sandbox.seedObject(portalId, 'contacts', {
      properties: { firstname: '<script>alert(1)</script>' },
    });
    const assoc = [
      {
        to: { id: contact.id },
        types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }],
      },
    ];
    sandbox.seedObject(portalId, 'calls', {
      properties: { hs_timestamp: '2025-01-01T10:00:00Z', hs_call_title: 'Older call' },
      associations: assoc,
    });
    sandbox.seedObject(portalId, 'calls', {
      properties: {
        hs_timestamp: '2025-01-02T10:00:00Z',
        hs_call_title: 'Newer call',
        hs_call_direction: 'INBOUND',
      },
      associations: assoc,
    });
    const index = await (await fetch(`${running.url}/`)).text();
    assert.ok(index.includes(`/portals/${portalId}/contacts/${contact.id}`));
    const html = await (
      await fetch(`${running.url}/portals/${portalId}/contacts/${contact.id}`)
    ).text();
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&lt;script&gt;'));
    const newer = html.indexOf('Newer call');
    const older = html.indexOf('Older call');
    assert.ok(newer > 0 && older > newer, 'newest first');
  });
});

describe('control API over HTTP and the CLI', () => {
  it('creates portals and seeds records through /_sandbox', async () => {
    const created = await api('POST', '/_sandbox/portals', { portalId: 777 }, null);
    assert.equal(created.status, 201);
    assert.equal(created.body.portalId, 777);
    const seeded = await api(
      'POST',
      '/_sandbox/portals/777/objects/0-1',
      { properties: { email: 'seed@example.com' } },
      null,
    );
    assert.equal(seeded.status, 201);
    const list = await api('GET', '/_sandbox/portals/777/objects/contacts', undefined, null);
    assert.deepEqual(
      (list.body.results as Json[]).map((r) => (r.properties as Json).email),
      ['seed@example.com'],
    );
    const bad = await api(
      'POST',
      '/_sandbox/portals/777/objects/contacts',
      { properties: { nope: 1 } },
      null,
    );
    assert.equal(bad.status, 400);
  });

  it('starts from the command line and prints its URL and token', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'sandbox/src/hubspot/cli.ts', '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const info = JSON.parse(line) as { url: string; portalId: number; accessToken: string };
      assert.equal(info.portalId, 12345678);
      const res = await fetch(`${info.url}/crm/v3/objects/contacts`, {
        headers: { authorization: `Bearer ${info.accessToken}` },
      });
      assert.equal(res.status, 200);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
