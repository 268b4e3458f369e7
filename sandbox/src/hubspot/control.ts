// The control API (/_sandbox, no auth): the same operations as functions for in-process tests.
import express, { type Router } from 'express';
import { z } from 'zod';
import { associationsOf } from './assoc-store.ts';
import { applyAssociations, planInlineAssociations } from './assoc-specs.ts';
import { registerCallback, type RegisterCallbackInput } from './automation.ts';
import { notFoundRoute, validation } from './errors.ts';
import type { FaultConfig, Faults } from './faults.ts';
import { fileJson } from './files.ts';
import { bodyOf, param, queryString } from './http.ts';
import { objectType } from './object-types.ts';
import { authorize, registerApp, type AuthorizeInput, type RegisterAppInput } from './oauth.ts';
import { addOwner, type AddOwnerInput } from './owners.ts';
import { checkUnique, createRecord } from './records.ts';
import type { CreatePortalInput, PortalCredentials, SandboxState } from './state.ts';
import { createTemplate, templateJson } from './timeline.ts';
import type {
  CallbackRecord,
  CrmRecord,
  OAuthApp,
  Owner,
  Portal,
  RequestLogEntry,
  TimelineEvent,
  TimelineTemplate,
} from './types.ts';
import { validateProperties } from './validate.ts';

export interface ObjectDump {
  id: string;
  type: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** By target type: associated ids with the type ids (as seen from this record). */
  associations: Record<string, Array<{ id: string; typeIds: number[] }>>;
}

export interface SeedInput {
  properties: Record<string, unknown>;
  associations?: unknown;
}

export interface SandboxControl {
  createPortal(input?: CreatePortalInput): PortalCredentials;
  reset(): void;
  listObjects(portalId: number, type: string): ObjectDump[];
  seedObject(portalId: number, type: string, input: SeedInput): ObjectDump;
  setFaults(config: FaultConfig): FaultConfig;
  getFaults(): FaultConfig;
  clearFaults(): void;
  requests(filter?: { portalId?: number }): RequestLogEntry[];
  clearRequests(): void;
  registerOAuthApp(input?: RegisterAppInput): OAuthApp;
  authorize(input: AuthorizeInput): { code: string; redirectUrl: string };
  registerCallback(portalId: number, input?: RegisterCallbackInput): CallbackRecord;
  callbacks(portalId: number): CallbackRecord[];
  registerTimelineTemplate(appId: number, template: unknown): TimelineTemplate;
  timelineEvents(portalId: number): TimelineEvent[];
  addOwner(portalId: number, input: AddOwnerInput): Owner;
}

export function dumpRecord(portal: Portal, rec: CrmRecord): ObjectDump {
  const associations: ObjectDump['associations'] = {};
  for (const a of associationsOf(portal, rec.type, rec.id)) {
    (associations[a.toType] ??= []).push({ id: a.toId, typeIds: a.typeIds });
  }
  return {
    id: rec.id,
    type: rec.type,
    properties: { ...rec.properties },
    createdAt: new Date(rec.createdAt).toISOString(),
    updatedAt: new Date(rec.updatedAt).toISOString(),
    archived: rec.archived,
    associations,
  };
}

export function createControl(
  state: SandboxState,
  faults: Faults,
  onReset: () => void,
): SandboxControl {
  return {
    createPortal: (input) => state.createPortal(input),
    reset: () => {
      state.reset();
      faults.clear();
      onReset();
    },
    listObjects: (portalId, type) => {
      const portal = state.requirePortal(portalId);
      const t = objectType(type);
      return [...portal.records.values()]
        .filter((r) => r.type === t)
        .map((r) => dumpRecord(portal, r));
    },
    seedObject: (portalId, type, input) => {
      const portal = state.requirePortal(portalId);
      const t = objectType(type);
      const write = validateProperties(state, portal, t, input.properties, 'seed');
      const planned = planInlineAssociations(portal, t, input.associations);
      checkUnique(state, portal, t, write);
      const rec = createRecord(state, portal, t, write, { indexNow: true });
      applyAssociations(portal, rec.id, planned);
      return dumpRecord(portal, rec);
    },
    setFaults: (config) => faults.set(config),
    getFaults: () => faults.current,
    clearFaults: () => faults.clear(),
    requests: (filter = {}) =>
      state.requests.filter((r) => filter.portalId === undefined || r.portalId === filter.portalId),
    clearRequests: () => {
      state.requests.length = 0;
    },
    registerOAuthApp: (input) => registerApp(state, input),
    authorize: (input) => authorize(state, input),
    registerCallback: (portalId, input) => registerCallback(state, portalId, input),
    callbacks: (portalId) => [...state.requirePortal(portalId).callbacks.values()],
    registerTimelineTemplate: (appId, template) => createTemplate(state, appId, template),
    timelineEvents: (portalId) => [...state.requirePortal(portalId).timelineEvents.values()],
    addOwner: (portalId, input) => addOwner(state, portalId, input),
  };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw validation(`Invalid control request: ${issues.join('; ')}`);
  }
  return parsed.data;
}

const portalSchema = z.strictObject({
  portalId: z.number().int().positive().optional(),
  accessToken: z.string().min(8).optional(),
  scopes: z.array(z.string()).optional(),
});
const appSchema = z.strictObject({
  appId: z.number().int().positive().optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  redirectUris: z.array(z.string()).optional(),
  developerApiKey: z.string().min(1).optional(),
});
const authorizeSchema = z.strictObject({
  portalId: z.number().int().positive(),
  clientId: z.string(),
  redirectUri: z.string(),
  scopes: z.array(z.string()).optional(),
  state: z.string().optional(),
});
const seedSchema = z.strictObject({
  properties: z.record(z.string(), z.unknown()),
  associations: z.array(z.unknown()).optional(),
});
const callbackSchema = z.strictObject({
  callbackId: z.string().optional(),
  actionDefinitionId: z.string().optional(),
  objectType: z.string().optional(),
  objectId: z.string().optional(),
});
const ownerSchema = z.strictObject({
  id: z.string().optional(),
  email: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  userId: z.number().int().optional(),
});

export function controlRouter(state: SandboxState, control: SandboxControl): Router {
  const r = express.Router();
  const portalId = (req: express.Request) => Number(param(req, 'portalId'));

  r.post('/_sandbox/portals', (req, res) => {
    res.status(201).json(control.createPortal(parse(portalSchema, bodyOf(req))));
  });
  r.get('/_sandbox/portals', (_req, res) => {
    res.json({ results: [...state.portals.keys()].map((id) => ({ portalId: id })) });
  });
  r.post('/_sandbox/reset', (_req, res) => {
    control.reset();
    res.status(204).end();
  });
  r.get('/_sandbox/portals/:portalId/objects/:type', (req, res) => {
    res.json({ results: control.listObjects(portalId(req), param(req, 'type')) });
  });
  r.post('/_sandbox/portals/:portalId/objects/:type', (req, res) => {
    const input = parse(seedSchema, bodyOf(req));
    res.status(201).json(control.seedObject(portalId(req), param(req, 'type'), input));
  });
  r.get('/_sandbox/faults', (_req, res) => {
    res.json(control.getFaults());
  });
  r.put('/_sandbox/faults', (req, res) => {
    res.json(control.setFaults(bodyOf(req) as FaultConfig));
  });
  r.delete('/_sandbox/faults', (_req, res) => {
    control.clearFaults();
    res.status(204).end();
  });
  r.get('/_sandbox/requests', (req, res) => {
    const raw = queryString(req, 'portalId');
    res.json({ results: control.requests(raw === undefined ? {} : { portalId: Number(raw) }) });
  });
  r.delete('/_sandbox/requests', (_req, res) => {
    control.clearRequests();
    res.status(204).end();
  });
  r.post('/_sandbox/oauth/apps', (req, res) => {
    res.status(201).json(control.registerOAuthApp(parse(appSchema, bodyOf(req))));
  });
  r.post('/_sandbox/oauth/authorize', (req, res) => {
    res.json(control.authorize(parse(authorizeSchema, bodyOf(req))));
  });
  r.post('/_sandbox/portals/:portalId/callbacks', (req, res) => {
    const input = parse(callbackSchema, bodyOf(req));
    res.status(201).json(control.registerCallback(portalId(req), input));
  });
  r.get('/_sandbox/portals/:portalId/callbacks', (req, res) => {
    res.json({ results: control.callbacks(portalId(req)) });
  });
  r.post('/_sandbox/timeline/templates', (req, res) => {
    const { appId, ...template } = parse(z.looseObject({ appId: z.number().int() }), bodyOf(req));
    res.status(201).json(templateJson(control.registerTimelineTemplate(appId, template)));
  });
  r.get('/_sandbox/portals/:portalId/timeline-events', (req, res) => {
    res.json({ results: control.timelineEvents(portalId(req)) });
  });
  r.post('/_sandbox/portals/:portalId/owners', (req, res) => {
    res.status(201).json(control.addOwner(portalId(req), parse(ownerSchema, bodyOf(req))));
  });
  r.get('/_sandbox/portals/:portalId/files', (req, res) => {
    res.json({ results: [...state.requirePortal(portalId(req)).files.values()].map(fileJson) });
  });
  r.use('/_sandbox', notFoundRoute);
  return r;
}
