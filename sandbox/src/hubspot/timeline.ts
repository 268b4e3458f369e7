// Timeline events v3: event templates (per app, developer key) and events (per portal).
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { authenticateApp } from './auth.ts';
import { conflict, notFound, tooManyInputs, validation } from './errors.ts';
import { bodyOf, ctx, iso, ok, param, portalOf } from './http.ts';
import { findObjectType } from './object-types.ts';
import { onlyKeys } from './objects.ts';
import { createRecord, findByProperty, findRecord } from './records.ts';
import type { SandboxState } from './state.ts';
import type { Portal, TimelineEvent, TimelineTemplate, TimelineToken, TokenInfo } from './types.ts';
import { isRecord, parseDatetime, validateProperties } from './validate.ts';

const TOKEN_TYPES = ['string', 'number', 'date', 'enumeration'];
const TEMPLATE_TYPES = ['contacts', 'companies', 'deals', 'tickets'];

function parseToken(raw: unknown, n: number): TimelineToken {
  const t = onlyKeys(
    raw,
    ['name', 'label', 'type', 'options', 'objectPropertyName'],
    `tokens[${n}]`,
  );
  if (typeof t.name !== 'string' || !/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(t.name)) {
    throw validation(`tokens[${n}].name must be letters, digits, - and _`);
  }
  if (typeof t.label !== 'string' || t.label === '')
    throw validation(`tokens[${n}].label is required`);
  if (typeof t.type !== 'string' || !TOKEN_TYPES.includes(t.type)) {
    throw validation(`tokens[${n}].type must be one of ${TOKEN_TYPES.join(', ')}`);
  }
  const token: TimelineToken = {
    name: t.name,
    label: t.label,
    type: t.type as TimelineToken['type'],
  };
  if (t.type === 'enumeration') {
    if (!Array.isArray(t.options) || t.options.length === 0) {
      throw validation(`tokens[${n}]: enumeration tokens need options`);
    }
    token.options = t.options.map((o: unknown) => {
      if (!isRecord(o) || typeof o.value !== 'string' || typeof o.label !== 'string') {
        throw validation(`tokens[${n}].options need string label and value`);
      }
      return { label: o.label, value: o.value };
    });
  }
  if (typeof t.objectPropertyName === 'string') token.objectPropertyName = t.objectPropertyName;
  return token;
}

export function createTemplate(state: SandboxState, appId: number, raw: unknown): TimelineTemplate {
  const b = onlyKeys(raw, ['name', 'objectType', 'headerTemplate', 'detailTemplate', 'tokens']);
  if (typeof b.name !== 'string' || b.name === '') throw validation('name is required');
  const objectType = typeof b.objectType === 'string' ? findObjectType(b.objectType) : undefined;
  if (!objectType || !TEMPLATE_TYPES.includes(objectType)) {
    throw validation(`objectType must be one of ${TEMPLATE_TYPES.join(', ')}`);
  }
  const tokens = Array.isArray(b.tokens) ? b.tokens.map((t: unknown, n) => parseToken(t, n)) : [];
  const names = new Set<string>();
  for (const t of tokens) {
    if (names.has(t.name)) throw validation(`Duplicate token name ${t.name}`);
    names.add(t.name);
  }
  const now = state.now();
  const template: TimelineTemplate = {
    id: state.nextId(),
    appId,
    name: b.name,
    objectType,
    tokens,
    createdAt: now,
    updatedAt: now,
    ...(typeof b.headerTemplate === 'string' ? { headerTemplate: b.headerTemplate } : {}),
    ...(typeof b.detailTemplate === 'string' ? { detailTemplate: b.detailTemplate } : {}),
  };
  state.templates.set(template.id, template);
  return template;
}

export function templateJson(t: TimelineTemplate): Record<string, unknown> {
  return { ...t, createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt) };
}

function tokenValue(def: TimelineToken, v: unknown): string {
  const bad = () =>
    validation(`Token "${def.name}" has an invalid ${def.type} value: ${JSON.stringify(v)}`);
  if (typeof v !== 'string' && typeof v !== 'number') throw bad();
  switch (def.type) {
    case 'string':
      return String(v);
    case 'number':
      if (!Number.isFinite(Number(v)) || String(v).trim() === '') throw bad();
      return String(Number(v));
    case 'date':
      if (parseDatetime(String(v)) === undefined) throw bad();
      return String(v);
    case 'enumeration':
      if (!def.options?.some((o) => o.value === String(v))) throw bad();
      return String(v);
  }
}

function eventTarget(
  state: SandboxState,
  portal: Portal,
  t: TimelineTemplate,
  b: Record<string, unknown>,
): string {
  if (typeof b.objectId === 'string' || typeof b.objectId === 'number') {
    const id = String(b.objectId);
    if (!findRecord(portal, t.objectType, id)) throw notFound(`No ${t.objectType} with id ${id}`);
    return id;
  }
  if (t.objectType === 'contacts' && typeof b.email === 'string') {
    // HubSpot creates the contact when no contact has this email.
    const found = findByProperty(portal, 'contacts', 'email', b.email);
    if (found) return found.id;
    const write = validateProperties(state, portal, 'contacts', { email: b.email }, 'create');
    return createRecord(state, portal, 'contacts', write).id;
  }
  throw validation('objectId is required (or email for contact templates)');
}

export function createEvent(
  state: SandboxState,
  portal: Portal,
  token: TokenInfo | undefined,
  raw: unknown,
): TimelineEvent {
  const b = onlyKeys(raw, [
    'eventTemplateId',
    'objectId',
    'email',
    'utk',
    'domain',
    'tokens',
    'extraData',
    'timestamp',
    'id',
    'timelineIFrame',
  ]);
  const template = state.templates.get(String(b.eventTemplateId));
  if (!template || (token?.appId !== undefined && template.appId !== token.appId)) {
    throw notFound(`Event template ${String(b.eventTemplateId)} not found`);
  }
  if (!isRecord(b.tokens)) throw validation('tokens is required and must be an object');
  const tokens: Record<string, string> = {};
  for (const [name, value] of Object.entries(b.tokens)) {
    const def = template.tokens.find((t) => t.name === name);
    if (!def) throw validation(`Token "${name}" is not defined in event template ${template.id}`);
    tokens[name] = tokenValue(def, value);
  }
  if (
    b.timestamp !== undefined &&
    (typeof b.timestamp !== 'string' || parseDatetime(b.timestamp) === undefined)
  ) {
    throw validation('timestamp must be an ISO 8601 datetime');
  }
  if (b.id !== undefined && typeof b.id !== 'string' && typeof b.id !== 'number') {
    throw validation('id must be a string');
  }
  const id = b.id === undefined ? randomUUID() : String(b.id);
  const key = `${template.id}:${id}`;
  if (portal.timelineEvents.has(key))
    throw conflict(`Event ${id} already exists for template ${template.id}`);
  const objectId = eventTarget(state, portal, template, b);
  const event: TimelineEvent = {
    id,
    eventTemplateId: template.id,
    objectType: template.objectType,
    objectId,
    tokens,
    timestamp:
      typeof b.timestamp === 'string' ? iso(parseDatetime(b.timestamp) ?? 0) : iso(state.now()),
    createdAt: state.now(),
    ...(b.extraData !== undefined ? { extraData: b.extraData } : {}),
  };
  portal.timelineEvents.set(key, event);
  return event;
}

function eventJson(e: TimelineEvent): Record<string, unknown> {
  return { ...e, createdAt: iso(e.createdAt) };
}

/** App-level (developer key) template endpoints. */
export function templatesRouter(state: SandboxState): Router {
  const r = express.Router();
  const base = '/integrators/timeline/v3/:appId/event-templates';
  const appOf = (req: express.Request) => authenticateApp(state, req, Number(param(req, 'appId')));
  const find = (req: express.Request) => {
    const app = appOf(req);
    const t = state.templates.get(param(req, 'templateId'));
    if (!t || t.appId !== app.appId)
      throw notFound(`Event template ${param(req, 'templateId')} not found`);
    return t;
  };
  r.post(base, (req, res) => {
    ok(res, 201, templateJson(createTemplate(state, appOf(req).appId, bodyOf(req))));
  });
  r.get(base, (req, res) => {
    const app = appOf(req);
    const results = [...state.templates.values()]
      .filter((t) => t.appId === app.appId)
      .map(templateJson);
    ok(res, 200, { results });
  });
  r.get(`${base}/:templateId`, (req, res) => ok(res, 200, templateJson(find(req))));
  r.delete(`${base}/:templateId`, (req, res) => {
    state.templates.delete(find(req).id);
    ok(res, 204);
  });
  return r;
}

/** Portal-level event endpoints. */
export function eventsRouter(state: SandboxState): Router {
  const r = express.Router();
  r.post('/integrators/timeline/v3/events', (req, res) => {
    ok(res, 201, eventJson(createEvent(state, portalOf(res), ctx(res).token, bodyOf(req))));
  });
  r.post('/integrators/timeline/v3/events/batch/create', (req, res) => {
    const startedAt = iso(state.now());
    const body = onlyKeys(bodyOf(req), ['inputs']);
    if (!Array.isArray(body.inputs))
      throw validation('Invalid input JSON: "inputs" must be an array');
    if (body.inputs.length > 500) throw tooManyInputs(body.inputs.length, 500);
    const results = body.inputs.map((i: unknown) =>
      eventJson(createEvent(state, portalOf(res), ctx(res).token, i)),
    );
    ok(res, 201, { status: 'COMPLETE', results, startedAt, completedAt: iso(state.now()) });
  });
  r.get('/integrators/timeline/v3/events/:templateId/:eventId', (req, res) => {
    const e = portalOf(res).timelineEvents.get(
      `${param(req, 'templateId')}:${param(req, 'eventId')}`,
    );
    if (!e) throw notFound('Event not found');
    ok(res, 200, eventJson(e));
  });
  return r;
}
