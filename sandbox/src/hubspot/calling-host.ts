// HubSpot's side of the Calling Extensions SDK, as a sandbox page: GET /calling?portalId=&widget=
// embeds a calling widget in an iframe and speaks the SDK's postMessage protocol as HubSpot's
// UI does — SYNC until SYNC_ACK, DIAL_NUMBER from a contact's "Call" button, and, when the
// widget says createEngagement, the Call engagement created (and later updated by
// callCompleted) through this sandbox's public API with the portal's token. Every message from
// the widget is listed on the page and handed to `window.hsRecord` when a test defines it.
import express, { type Router } from 'express';
import { notFound, validation } from './errors.ts';
import { queryString } from './http.ts';
import { escapeHtml } from './page.ts';
import type { SandboxState } from './state.ts';

const HOST_SCRIPT = `
const cfg = JSON.parse(document.getElementById('cfg').textContent);
const widgetOrigin = new URL(cfg.widgetUrl).origin;
let seq = 0;
const nextId = () => 'hubspot_' + (++seq);
const iframe = document.getElementById('hubspot-calling-extension-iframe');
let synced = false;
let dialled = null;
window.hsSend = (type, data) =>
  iframe.contentWindow.postMessage({ type, data, messageId: nextId() }, widgetOrigin);
function log(msg) {
  const li = document.createElement('li');
  li.textContent = msg.type + ' ' + JSON.stringify(msg.data ?? {});
  document.getElementById('log').prepend(li);
}
async function api(method, path, body) {
  const res = await fetch(path, { method, headers: { authorization: 'Bearer ' + cfg.token,
    'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(method + ' ' + path + ': ' + res.status + ' ' + JSON.stringify(json));
  return json;
}
iframe.addEventListener('load', () => {
  const sync = () => {
    if (synced) return;
    iframe.contentWindow.postMessage({ type: 'SYNC', hostUrl: location.origin, portalId: cfg.portalId,
      userId: cfg.userId, ownerId: cfg.userId, iframeLocation: 'window', usesCallingWindow: true,
      messageId: nextId() }, widgetOrigin);
    setTimeout(sync, 100);
  };
  sync();
});
window.addEventListener('message', async (event) => {
  if (event.origin !== widgetOrigin) return;
  const msg = event.data;
  if (msg.type === 'SYNC_ACK') synced = true;
  log(msg);
  if (window.hsRecord) await window.hsRecord(msg);
  const data = msg.data || {};
  try {
    if ((msg.type === 'OUTGOING_CALL_STARTED' || msg.type === 'INCOMING_CALL') && data.createEngagement) {
      const created = await api('POST', '/crm/v3/objects/calls', {
        properties: {
          hs_timestamp: String(data.callStartTime || Date.now()),
          hs_call_direction: msg.type === 'INCOMING_CALL' ? 'INBOUND' : 'OUTBOUND',
          hs_call_status: msg.type === 'INCOMING_CALL' ? 'RINGING' : 'CONNECTING',
          ...(data.toNumber ? { hs_call_to_number: String(data.toNumber) } : {}),
          ...(data.fromNumber ? { hs_call_from_number: String(data.fromNumber) } : {}),
        },
        associations: dialled && msg.type === 'OUTGOING_CALL_STARTED' ? [{ to: { id: dialled },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 }] }] : [],
      });
      window.hsSend('CREATE_ENGAGEMENT_SUCCEEDED', { engagementId: Number(created.id) });
    }
    if (msg.type === 'CALL_COMPLETED' && data.engagementId) {
      await api('PATCH', '/crm/v3/objects/calls/' + data.engagementId,
        { properties: data.engagementProperties || {} });
      window.hsSend('UPDATE_ENGAGEMENT_SUCCEEDED', { engagementId: data.engagementId });
    }
    if (msg.type === 'NAVIGATE_TO_RECORD' && data.objectCoordinates) {
      const a = document.getElementById('record');
      a.href = '/portals/' + cfg.portalId + '/contacts/' + data.objectCoordinates.objectId;
      a.textContent = 'open record ' + data.objectCoordinates.objectId;
    }
  } catch (err) {
    const failed = msg.type === 'CALL_COMPLETED' ? 'UPDATE_ENGAGEMENT_FAILED' : 'CREATE_ENGAGEMENT_FAILED';
    window.hsSend(failed, { error: String(err) });
    log({ type: failed, data: { error: String(err) } });
  }
});
document.querySelectorAll('button[data-phone]').forEach((b) => b.addEventListener('click', () => {
  dialled = b.dataset.id;
  window.hsSend('DIAL_NUMBER', { phoneNumber: b.dataset.phone, objectId: Number(b.dataset.id),
    objectType: 'CONTACT', portalId: cfg.portalId, ownerId: cfg.userId,
    calleeInfo: { calleeId: Number(b.dataset.id), calleeObjectTypeId: '0-1' } });
}));
iframe.src = cfg.widgetUrl;
`;

export function callingHostRouter(state: SandboxState): Router {
  const r = express.Router();
  r.get('/calling', (req, res) => {
    const portalId = Number(queryString(req, 'portalId'));
    const portal = state.portal(portalId);
    if (!portal) throw notFound(`Portal ${queryString(req, 'portalId')} does not exist`);
    const widgetUrl = queryString(req, 'widget') ?? '';
    if (!/^https?:\/\//.test(widgetUrl) || !URL.canParse(widgetUrl))
      throw validation('widget must be the absolute http(s) URL of the calling widget');
    const token = [...state.tokens.values()].find(
      (t) => t.portalId === portalId && t.kind === 'static',
    )?.token;
    if (!token) throw notFound(`Portal ${portalId} has no private-app token`);
    const contacts = [...portal.records.values()].filter(
      (c) =>
        c.type === 'contacts' && !c.archived && (c.properties.phone || c.properties.mobilephone),
    );
    const rows = contacts
      .map((c) => {
        const phone = c.properties.phone ?? c.properties.mobilephone ?? '';
        const name = [c.properties.firstname, c.properties.lastname].filter(Boolean).join(' ');
        return `<li>${escapeHtml(name || c.id)} ${escapeHtml(phone)} <button data-id="${escapeHtml(c.id)}" data-phone="${escapeHtml(phone)}">Call</button></li>`;
      })
      .join('');
    // JSON inside <script type="application/json">: '<' escaped so no value can close the tag.
    const cfg = JSON.stringify({
      widgetUrl,
      portalId,
      userId: 1_000_000 + portalId,
      token,
    }).replace(/</g, '\\u003c');
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>HubSpot calling (sandbox)</title><style>body{font:14px system-ui,sans-serif;margin:1em}
#cols{display:flex;gap:2em}#log{font:12px monospace;max-width:50em;word-break:break-all}</style></head><body>
<h1>Calling — portal ${portalId} (sandbox)</h1><div id="cols"><div>
<iframe id="hubspot-calling-extension-iframe" width="400" height="600" allow="microphone; autoplay"></iframe>
</div><div><h3>Contacts</h3><ul>${rows}</ul><p><a id="record"></a></p>
<h3>Messages from the widget</h3><ol id="log"></ol></div></div>
<script type="application/json" id="cfg">${cfg}</script><script>${HOST_SCRIPT}</script></body></html>`);
  });
  return r;
}
