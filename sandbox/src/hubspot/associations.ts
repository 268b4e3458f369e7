// Associations: inline on create, and the v4 endpoints.
import express, { type Router } from 'express';
import { addAssociation, associationsOf, removeAssociation } from './assoc-store.ts';
import { idOf, missingObject, specDef } from './assoc-specs.ts';
import { defById, defaultDef, defsBetween, type AssociationDef } from './association-types.ts';
import { tooManyInputs, validation } from './errors.ts';
import { bodyOf, iso, ok, param, portalOf, queryInt, queryString } from './http.ts';
import { objectType, singularOf, typeIdOf } from './object-types.ts';
import { findRecord } from './records.ts';
import type { SandboxState } from './state.ts';
import type { ObjectTypeName, Portal } from './types.ts';
import { isRecord } from './validate.ts';

export const V4_LIMITS = { create: 2000, read: 1000, archive: 100 };

function pairJson(
  from: ObjectTypeName,
  fromId: string,
  to: ObjectTypeName,
  toId: string,
  defs: AssociationDef[],
) {
  return {
    fromObjectTypeId: typeIdOf(from),
    fromObjectId: Number(fromId),
    toObjectTypeId: typeIdOf(to),
    toObjectId: Number(toId),
    labels: defs.flatMap((d) => (d.label ? [d.label] : [])),
  };
}

function typesJson(from: ObjectTypeName, typeIds: number[]) {
  return typeIds.map((typeId) => ({
    category: 'HUBSPOT_DEFINED',
    typeId,
    label: defById(from, typeId)?.label ?? null,
  }));
}

function requireBoth(
  portal: Portal,
  from: ObjectTypeName,
  fromId: string,
  to: ObjectTypeName,
  toId: string,
) {
  if (!findRecord(portal, from, fromId)) throw missingObject(from, fromId);
  if (!findRecord(portal, to, toId)) throw missingObject(to, toId);
}

function batchInputs(body: unknown, max: number): unknown[] {
  if (!isRecord(body) || !Array.isArray(body.inputs)) {
    throw validation('Invalid input JSON: "inputs" must be an array');
  }
  if (body.inputs.length > max) throw tooManyInputs(body.inputs.length, max);
  return body.inputs as unknown[];
}

function endpointId(v: unknown, what: string): string {
  return idOf(isRecord(v) ? v.id : undefined, what);
}

function defaultOrFail(from: ObjectTypeName, to: ObjectTypeName): AssociationDef {
  const def = defaultDef(from, to);
  if (!def) throw validation(`No association between ${singularOf(from)} and ${singularOf(to)}`);
  return def;
}

export function associationsRouter(state: SandboxState): Router {
  const r = express.Router();
  const complete = (startedAt: string, results: unknown[]) => ({
    status: 'COMPLETE',
    results,
    startedAt,
    completedAt: iso(state.now()),
  });

  r.put('/crm/v4/objects/:from/:fromId/associations/default/:to/:toId', (req, res) => {
    const portal = portalOf(res);
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    const [fromId, toId] = [param(req, 'fromId'), param(req, 'toId')];
    const def = defaultOrFail(from, to);
    requireBoth(portal, from, fromId, to, toId);
    addAssociation(portal, def, fromId, toId);
    const spec = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: def.typeId };
    ok(
      res,
      200,
      complete(iso(state.now()), [
        { from: { id: fromId }, to: { id: toId }, associationSpec: spec },
      ]),
    );
  });

  r.put('/crm/v4/objects/:from/:fromId/associations/:to/:toId', (req, res) => {
    const portal = portalOf(res);
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    const [fromId, toId] = [param(req, 'fromId'), param(req, 'toId')];
    const body = bodyOf(req);
    if (!Array.isArray(body) || body.length === 0) {
      throw validation('Invalid input JSON: expected a non-empty array of association types');
    }
    const defs = body.map((spec) => specDef(from, to, spec));
    requireBoth(portal, from, fromId, to, toId);
    for (const def of defs) addAssociation(portal, def, fromId, toId);
    ok(res, 201, pairJson(from, fromId, to, toId, defs));
  });

  r.delete('/crm/v4/objects/:from/:fromId/associations/:to/:toId', (req, res) => {
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    removeAssociation(portalOf(res), from, param(req, 'fromId'), to, param(req, 'toId'));
    ok(res, 204);
  });

  r.get('/crm/v4/objects/:from/:fromId/associations/:to', (req, res) => {
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    const limit = queryInt(req, 'limit', 500, 500);
    const offset = Number(queryString(req, 'after') ?? '0') || 0;
    const all = associationsOf(portalOf(res), from, param(req, 'fromId'), to);
    const results = all.slice(offset, offset + limit).map((a) => ({
      toObjectId: Number(a.toId),
      associationTypes: typesJson(from, a.typeIds),
    }));
    const next =
      offset + limit < all.length ? { next: { after: String(offset + limit) } } : undefined;
    ok(res, 200, next ? { results, paging: next } : { results });
  });

  // Malformed input refuses the whole request (400); inputs naming a missing object fail one
  // by one: HubSpot writes the others and answers 207 with an error per failed input.
  r.post('/crm/v4/associations/:from/:to/batch/create', (req, res) => {
    const portal = portalOf(res);
    const startedAt = iso(state.now());
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    const plans = batchInputs(bodyOf(req), V4_LIMITS.create).map((input) => {
      if (!isRecord(input) || !Array.isArray(input.types) || input.types.length === 0) {
        throw validation('Invalid input JSON: each input needs "from", "to" and "types"');
      }
      const fromId = endpointId(input.from, 'from.id');
      const toId = endpointId(input.to, 'to.id');
      const defs = input.types.map((spec) => specDef(from, to, spec));
      return { fromId, toId, defs };
    });
    const errors: unknown[] = [];
    const done = plans.filter((p) => {
      const missing: [ObjectTypeName, string][] = [];
      if (!findRecord(portal, from, p.fromId)) missing.push([from, p.fromId]);
      if (!findRecord(portal, to, p.toId)) missing.push([to, p.toId]);
      for (const [type, id] of missing) {
        errors.push({
          status: 'error',
          category: 'VALIDATION_ERROR',
          subCategory: 'OBJECT_NOT_FOUND',
          message: `${singularOf(type)}=${id} is not valid: the object does not exist`,
          context: { fromObjectId: [p.fromId], toObjectId: [p.toId] },
        });
      }
      return missing.length === 0;
    });
    for (const p of done) for (const def of p.defs) addAssociation(portal, def, p.fromId, p.toId);
    const body = complete(
      startedAt,
      done.map((p) => pairJson(from, p.fromId, to, p.toId, p.defs)),
    );
    if (errors.length > 0) ok(res, 207, { ...body, numErrors: errors.length, errors });
    else ok(res, 201, body);
  });

  r.post('/crm/v4/associations/:from/:to/batch/associate/default', (req, res) => {
    const portal = portalOf(res);
    const startedAt = iso(state.now());
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    const def = defaultOrFail(from, to);
    const pairs = batchInputs(bodyOf(req), V4_LIMITS.create).map((input) => {
      const fromId = endpointId(isRecord(input) ? input.from : undefined, 'from.id');
      const toId = endpointId(isRecord(input) ? input.to : undefined, 'to.id');
      requireBoth(portal, from, fromId, to, toId);
      return { fromId, toId };
    });
    for (const p of pairs) addAssociation(portal, def, p.fromId, p.toId);
    const spec = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: def.typeId };
    const results = pairs.map((p) => ({
      from: { id: p.fromId },
      to: { id: p.toId },
      associationSpec: spec,
    }));
    ok(res, 200, complete(startedAt, results));
  });

  r.post('/crm/v4/associations/:from/:to/batch/read', (req, res) => {
    const portal = portalOf(res);
    const startedAt = iso(state.now());
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of batchInputs(bodyOf(req), V4_LIMITS.read)) {
      const id = endpointId(input, 'inputs[].id');
      const found = associationsOf(portal, from, id, to);
      if (found.length === 0) {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${singularOf(to)} is associated with ${singularOf(from)} ${id}.`,
          context: { fromObjectId: [id] },
        });
        continue;
      }
      const toJson = found.map((a) => ({
        toObjectId: Number(a.toId),
        associationTypes: typesJson(from, a.typeIds),
      }));
      results.push({ from: { id }, to: toJson });
    }
    const body = complete(startedAt, results);
    if (errors.length > 0) ok(res, 207, { ...body, numErrors: errors.length, errors });
    else ok(res, 200, body);
  });

  r.post('/crm/v4/associations/:from/:to/batch/archive', (req, res) => {
    const portal = portalOf(res);
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    const inputs = batchInputs(bodyOf(req), V4_LIMITS.archive).map((input) => {
      if (!isRecord(input) || !Array.isArray(input.to)) {
        throw validation('Invalid input JSON: each input needs "from": {"id"} and "to": [{"id"}]');
      }
      return {
        fromId: endpointId(input.from, 'from.id'),
        toIds: input.to.map((t) => endpointId(t, 'to[].id')),
      };
    });
    for (const i of inputs)
      for (const toId of i.toIds) removeAssociation(portal, from, i.fromId, to, toId);
    ok(res, 204);
  });

  r.post('/crm/v4/associations/:from/:to/batch/labels/archive', (req, res) => {
    const portal = portalOf(res);
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    for (const input of batchInputs(bodyOf(req), V4_LIMITS.archive)) {
      if (!isRecord(input) || !Array.isArray(input.types)) throw validation('Invalid input JSON');
      const defs = input.types.map((spec) => specDef(from, to, spec));
      removeAssociation(
        portal,
        from,
        endpointId(input.from, 'from.id'),
        to,
        endpointId(input.to, 'to.id'),
        defs,
      );
    }
    ok(res, 204);
  });

  r.get('/crm/v4/associations/:from/:to/labels', (req, res) => {
    const [from, to] = [objectType(param(req, 'from')), objectType(param(req, 'to'))];
    const results = defsBetween(from, to).map((d) => ({
      category: 'HUBSPOT_DEFINED',
      typeId: d.typeId,
      label: d.label,
    }));
    ok(res, 200, { results });
  });

  return r;
}
