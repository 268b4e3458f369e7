// CRM objects v3: create, read, update, archive, list.
import express, { type Request, type Router } from 'express';
import { applyAssociations, planInlineAssociations } from './assoc-specs.ts';
import { notFound, validation } from './errors.ts';
import { bodyOf, ok, param, portalOf, queryInt, queryList, queryString } from './http.ts';
import { findObjectType, objectType } from './object-types.ts';
import {
  archiveRecord,
  checkUnique,
  createRecord,
  findByProperty,
  findRecord,
  recordJson,
  updateRecord,
} from './records.ts';
import type { SandboxState } from './state.ts';
import type { CrmRecord, ObjectTypeName, Portal } from './types.ts';
import { isRecord, validateProperties } from './validate.ts';

/** HubSpot's JSON reader rejects fields its input types do not have. */
export function onlyKeys(body: unknown, allowed: string[], what = 'body'): Record<string, unknown> {
  if (!isRecord(body)) throw validation(`Invalid input JSON: ${what} must be an object`);
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw validation(
        `Invalid input JSON: Unrecognized field "${key}" (known: ${allowed.join(', ')})`,
      );
    }
  }
  return body;
}

export function objectNotFound(id: string): Error {
  return notFound('Object not found.  objectId are usually numeric.', { context: { id: [id] } });
}

/** Resolves `id` (or the value of `idProperty`, which must be unique) to a live record. */
export function lookup(
  state: SandboxState,
  portal: Portal,
  type: ObjectTypeName,
  id: string,
  idProperty: string | undefined,
): CrmRecord | undefined {
  if (!idProperty || idProperty === 'hs_object_id') return findRecord(portal, type, id);
  const def = state.property(portal, type, idProperty);
  if (!def?.hasUniqueValue) {
    throw validation(`Property ${idProperty} is not a unique identifier property for ${type}`);
  }
  return findByProperty(portal, type, idProperty, id);
}

export function associationTypesQuery(req: Request): ObjectTypeName[] | undefined {
  return queryList(req, 'associations')?.map((t) => {
    const found = findObjectType(t);
    if (!found) throw validation(`Unable to infer object type from: ${t}`);
    return found;
  });
}

/** Creates one record from a `{properties, associations}` input; validates before writing. */
export function createFromInput(
  state: SandboxState,
  portal: Portal,
  type: ObjectTypeName,
  input: Record<string, unknown>,
): CrmRecord {
  const write = validateProperties(state, portal, type, input.properties, 'create');
  const planned = planInlineAssociations(portal, type, input.associations);
  checkUnique(state, portal, type, write);
  const rec = createRecord(state, portal, type, write);
  applyAssociations(portal, rec.id, planned);
  return rec;
}

export function objectsRouter(state: SandboxState): Router {
  const r = express.Router();

  r.post('/crm/v3/objects/:type', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const body = onlyKeys(bodyOf(req), ['properties', 'associations', 'objectWriteTraceId']);
    const rec = createFromInput(state, portal, type, body);
    ok(res, 201, recordJson(state, portal, rec, 'all'));
  });

  r.get('/crm/v3/objects/:type', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const limit = queryInt(req, 'limit', 10, 100);
    const archived = queryString(req, 'archived') === 'true';
    const after = queryString(req, 'after');
    const all = [...portal.records.values()]
      .filter((rec) => rec.type === type && rec.archived === archived)
      .sort((a, b) => Number(a.id) - Number(b.id));
    const start = after ? all.findIndex((rec) => Number(rec.id) > Number(after)) : 0;
    const page = start < 0 ? [] : all.slice(start, start + limit);
    const props = queryList(req, 'properties');
    const assoc = associationTypesQuery(req);
    const results = page.map((rec) => recordJson(state, portal, rec, props, assoc));
    const last = page.at(-1);
    const more = last !== undefined && start + limit < all.length;
    ok(res, 200, more ? { results, paging: { next: { after: last.id } } } : { results });
  });

  r.get('/crm/v3/objects/:type/:id', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const id = param(req, 'id');
    const idProperty = queryString(req, 'idProperty');
    const rec =
      queryString(req, 'archived') === 'true'
        ? findRecord(portal, type, id, true)
        : lookup(state, portal, type, id, idProperty);
    if (!rec) throw objectNotFound(id);
    const props = queryList(req, 'properties');
    ok(res, 200, recordJson(state, portal, rec, props, associationTypesQuery(req)));
  });

  r.patch('/crm/v3/objects/:type/:id', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const id = param(req, 'id');
    const body = onlyKeys(bodyOf(req), ['properties', 'objectWriteTraceId']);
    const rec = lookup(state, portal, type, id, queryString(req, 'idProperty'));
    if (!rec) throw objectNotFound(id);
    if (!isRecord(body.properties))
      throw validation('Invalid input JSON: "properties" is required');
    const write = validateProperties(state, portal, type, body.properties, 'update', rec);
    checkUnique(state, portal, type, write, rec.id);
    updateRecord(state, rec, write);
    ok(res, 200, recordJson(state, portal, rec, 'all'));
  });

  r.delete('/crm/v3/objects/:type/:id', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const rec = findRecord(portal, type, param(req, 'id'));
    if (rec) archiveRecord(state, portal, rec);
    ok(res, 204);
  });

  return r;
}
