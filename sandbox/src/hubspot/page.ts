// A plain server-rendered view of the sandbox: portals, records, and each record's timeline.
import express, { type Router } from 'express';
import { associationsOf } from './assoc-store.ts';
import { OBJECT_TYPE_NAMES, findObjectType } from './object-types.ts';
import { DEFAULT_DISPOSITIONS } from './properties.ts';
import type { SandboxState } from './state.ts';
import type { CrmRecord, Portal } from './types.ts';

export function escapeHtml(v: string | number | null | undefined): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const ACTIVITY_TYPES = ['calls', 'communications', 'notes'];

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
li.activity{margin:.5em 0;padding:.5em;border-left:3px solid #888}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function summary(rec: CrmRecord): string {
  const p = rec.properties;
  const snippet = (v: string | undefined) => (v ?? '').slice(0, 80);
  switch (rec.type) {
    case 'contacts':
      return [p.firstname, p.lastname].filter(Boolean).join(' ') || p.email || p.phone || '';
    case 'companies':
      return p.name ?? p.domain ?? '';
    case 'deals':
      return p.dealname ?? '';
    case 'tickets':
      return p.subject ?? '';
    case 'calls':
      return p.hs_call_title ?? `${p.hs_call_direction ?? ''} call`;
    case 'communications':
      return `${p.hs_communication_channel_type ?? ''}: ${snippet(p.hs_communication_body)}`;
    case 'notes':
      return snippet(p.hs_note_body);
  }
}

const link = (portal: Portal, rec: CrmRecord, text: string) =>
  `<a href="/portals/${portal.portalId}/${rec.type}/${encodeURIComponent(rec.id)}">${escapeHtml(text)}</a>`;

function portalSection(portal: Portal): string {
  const sections = OBJECT_TYPE_NAMES.map((type) => {
    const recs = [...portal.records.values()].filter((r) => r.type === type && !r.archived);
    if (recs.length === 0) return '';
    const rows = recs
      .map((r) => `<tr><td>${link(portal, r, r.id)}</td><td>${escapeHtml(summary(r))}</td></tr>`)
      .join('');
    return `<h3>${escapeHtml(type)} (${recs.length})</h3><table><tr><th>id</th><th>record</th></tr>${rows}</table>`;
  });
  return `<section><h2>Portal ${portal.portalId}</h2>${sections.join('') || '<p>No records.</p>'}</section>`;
}

function durationText(ms: string | undefined): string {
  return ms === undefined ? '' : `${Math.round(Number(ms) / 1000)} s`;
}

function field(label: string, value: string | undefined): string {
  return value ? `<div><b>${escapeHtml(label)}:</b> ${escapeHtml(value)}</div>` : '';
}

function activity(portal: Portal, rec: CrmRecord): string {
  const p = rec.properties;
  const disposition = DEFAULT_DISPOSITIONS.find((d) => d.id === p.hs_call_disposition)?.label;
  const recording =
    p.hs_call_recording_url && /^https?:\/\//.test(p.hs_call_recording_url)
      ? `<div><a href="${escapeHtml(p.hs_call_recording_url)}">recording</a></div>`
      : '';
  const parts = [
    `<div><b>${escapeHtml(rec.type.replace(/s$/, ''))}</b> ${link(portal, rec, rec.id)} at ${escapeHtml(p.hs_timestamp)}</div>`,
    field('Title', p.hs_call_title),
    field('Direction', p.hs_call_direction),
    field('Status', p.hs_call_status),
    field(
      'Duration',
      p.hs_call_duration === undefined ? undefined : durationText(p.hs_call_duration),
    ),
    field('From', p.hs_call_from_number),
    field('To', p.hs_call_to_number),
    field('Disposition', disposition ?? p.hs_call_disposition),
    recording,
    field('Channel', p.hs_communication_channel_type),
    field('Body', p.hs_call_body ?? p.hs_communication_body ?? p.hs_note_body),
    field('Attachments', p.hs_attachment_ids),
  ];
  return `<li class="activity">${parts.join('')}</li>`;
}

function recordPage(portal: Portal, rec: CrmRecord): string {
  const props = Object.entries(rec.properties)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  const linked = associationsOf(portal, rec.type, rec.id).flatMap((a) => {
    const other = portal.records.get(a.toId);
    return other && !other.archived ? [other] : [];
  });
  const related = linked
    .filter((r) => !ACTIVITY_TYPES.includes(r.type))
    .map((r) => `<li>${escapeHtml(r.type)}: ${link(portal, r, summary(r) || r.id)}</li>`)
    .join('');
  const activities = linked
    .filter((r) => ACTIVITY_TYPES.includes(r.type))
    .sort(
      (a, b) =>
        Date.parse(b.properties.hs_timestamp ?? '') - Date.parse(a.properties.hs_timestamp ?? ''),
    )
    .map((r) => activity(portal, r))
    .join('');
  const events = [...portal.timelineEvents.values()]
    .filter((e) => e.objectType === rec.type && e.objectId === rec.id)
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
    .map(
      (e) =>
        `<li class="activity"><b>event</b> ${escapeHtml(e.eventTemplateId)} at ${escapeHtml(e.timestamp)}: ${escapeHtml(JSON.stringify(e.tokens))}</li>`,
    )
    .join('');
  return `<p><a href="/">all portals</a></p><h2>${escapeHtml(summary(rec) || rec.id)}</h2>
<table>${props}</table><h3>Associated records</h3><ul>${related || '<li>none</li>'}</ul>
<h3>Timeline</h3><ul class="timeline">${activities}${events}</ul>${activities || events ? '' : '<p>No activity.</p>'}`;
}

export function pageRouter(state: SandboxState): Router {
  const r = express.Router();
  r.get('/', (_req, res) => {
    const body = [...state.portals.values()].map(portalSection).join('') || '<p>No portals.</p>';
    res.type('html').send(layout('HubSpot sandbox', body));
  });
  r.get('/portals/:portalId/:type/:id', (req, res) => {
    const portal = state.portal(Number(req.params.portalId));
    const type = findObjectType(req.params.type);
    const rec = portal && type ? portal.records.get(req.params.id) : undefined;
    if (!portal || !rec || rec.type !== type) {
      res.status(404).type('html').send(layout('Not found', '<p>No such record.</p>'));
      return;
    }
    res
      .type('html')
      .send(layout(`${rec.type} ${rec.id} (portal ${portal.portalId})`, recordPage(portal, rec)));
  });
  return r;
}
