// CRM objects v3 batch endpoints: read, create, update, upsert, archive (≤ 100 inputs).
import express, { type Router } from 'express';
import { conflict, tooManyInputs, validation } from './errors.ts';
import { bodyOf, iso, ok, param, portalOf } from './http.ts';
import { objectType, singularOf } from './object-types.ts';
import { applyAssociations, planInlineAssociations } from './assoc-specs.ts';
import { lookup, onlyKeys } from './objects.ts';
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
import { isRecord, validateProperties, type PropertyWrite } from './validate.ts';

export const BATCH_LIMIT = 100;

function inputsOf(body: unknown, allowed: string[]): Record<string, unknown>[] {
  const b = onlyKeys(body, ['inputs', ...allowed]);
  if (!Array.isArray(b.inputs)) throw validation('Invalid input JSON: "inputs" must be an array');
  if (b.inputs.length > BATCH_LIMIT) throw tooManyInputs(b.inputs.length, BATCH_LIMIT);
  return b.inputs.map((i: unknown, n) => {
    if (!isRecord(i)) throw validation(`Invalid input JSON: inputs[${n}] must be an object`);
    return i;
  });
}

function idString(v: unknown, n: number): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  throw validation(`Invalid input JSON: inputs[${n}].id is required`);
}

function noDuplicates(ids: string[]): void {
  const seen = new Set<string>();
  const dups = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  if (dups.length > 0) {
    throw validation(
      `Duplicate IDs found in batch input: [${dups.join(', ')}]. IDs must be unique`,
    );
  }
}

function notFoundError(type: ObjectTypeName, ids: string[]) {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Could not get some ${singularOf(type).toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids },
  };
}

/** Unique values must also differ between the inputs of one batch. */
function uniqueWithinBatch(
  state: SandboxState,
  portal: Portal,
  type: ObjectTypeName,
  writes: PropertyWrite[],
) {
  for (const def of state.properties(portal, type).filter((d) => d.hasUniqueValue)) {
    const seen = new Set<string>();
    for (const w of writes) {
      const v = w[def.name]?.toLowerCase();
      if (v === undefined) continue;
      if (seen.has(v))
        throw conflict(`Duplicate value "${v}" of unique property ${def.name} in batch input`);
      seen.add(v);
    }
  }
}

export function batchRouter(state: SandboxState): Router {
  const r = express.Router();
  const finish = (startedAt: number, results: unknown[], errors: unknown[] = []) => {
    const body = {
      status: 'COMPLETE',
      results,
      startedAt: iso(startedAt),
      completedAt: iso(state.now()),
    };
    return errors.length > 0 ? { ...body, numErrors: errors.length, errors } : body;
  };

  r.post('/crm/v3/objects/:type/batch/read', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const startedAt = state.now();
    const body = onlyKeys(bodyOf(req), [
      'inputs',
      'properties',
      'propertiesWithHistory',
      'idProperty',
    ]);
    const inputs = inputsOf(body, ['properties', 'propertiesWithHistory', 'idProperty']);
    const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
    const props =
      Array.isArray(body.properties) && body.properties.length > 0
        ? body.properties.filter((p): p is string => typeof p === 'string')
        : undefined;
    const results: unknown[] = [];
    const missing: string[] = [];
    inputs.forEach((input, n) => {
      const id = idString(input.id, n);
      const rec = lookup(state, portal, type, id, idProperty);
      if (rec) results.push(recordJson(state, portal, rec, props));
      else missing.push(id);
    });
    const errors = missing.length > 0 ? [notFoundError(type, missing)] : [];
    ok(res, errors.length > 0 ? 207 : 200, finish(startedAt, results, errors));
  });

  r.post('/crm/v3/objects/:type/batch/create', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const startedAt = state.now();
    const inputs = inputsOf(bodyOf(req), []).map((i) =>
      onlyKeys(i, ['properties', 'associations', 'objectWriteTraceId'], 'input'),
    );
    // All or nothing: validate every input (and cross-input uniqueness) before writing any.
    const plans = inputs.map((i) => ({
      write: validateProperties(state, portal, type, i.properties, 'create'),
      planned: planInlineAssociations(portal, type, i.associations),
    }));
    uniqueWithinBatch(
      state,
      portal,
      type,
      plans.map((p) => p.write),
    );
    plans.forEach((p) => checkUnique(state, portal, type, p.write));
    const created = plans.map((p) => {
      const rec = createRecord(state, portal, type, p.write);
      applyAssociations(portal, rec.id, p.planned);
      return rec;
    });
    ok(
      res,
      201,
      finish(
        startedAt,
        created.map((rec) => recordJson(state, portal, rec, 'all')),
      ),
    );
  });

  r.post('/crm/v3/objects/:type/batch/update', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const startedAt = state.now();
    const inputs = inputsOf(bodyOf(req), []).map((i) =>
      onlyKeys(i, ['id', 'idProperty', 'properties', 'objectWriteTraceId'], 'input'),
    );
    const ids = inputs.map((i, n) => idString(i.id, n));
    noDuplicates(ids);
    const missing: string[] = [];
    const plans: Array<{ rec: CrmRecord; write: PropertyWrite }> = [];
    inputs.forEach((input, n) => {
      const idProperty = typeof input.idProperty === 'string' ? input.idProperty : undefined;
      const rec = lookup(state, portal, type, ids[n] ?? '', idProperty);
      if (!isRecord(input.properties))
        throw validation(`Invalid input JSON: inputs[${n}].properties is required`);
      if (!rec) {
        missing.push(ids[n] ?? '');
        return;
      }
      const write = validateProperties(state, portal, type, input.properties, 'update', rec);
      checkUnique(state, portal, type, write, rec.id);
      plans.push({ rec, write });
    });
    uniqueWithinBatch(
      state,
      portal,
      type,
      plans.map((p) => p.write),
    );
    const results = plans.map((p) =>
      recordJson(state, portal, updateRecord(state, p.rec, p.write), 'all'),
    );
    const errors = missing.length > 0 ? [notFoundError(type, missing)] : [];
    ok(res, errors.length > 0 ? 207 : 200, finish(startedAt, results, errors));
  });

  r.post('/crm/v3/objects/:type/batch/upsert', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const startedAt = state.now();
    const inputs = inputsOf(bodyOf(req), []).map((i) =>
      onlyKeys(i, ['id', 'idProperty', 'properties', 'objectWriteTraceId'], 'input'),
    );
    const plans = inputs.map((input, n) => {
      const id = idString(input.id, n);
      const idProperty = input.idProperty;
      if (typeof idProperty !== 'string' || idProperty === '') {
        throw validation(`Invalid input JSON: inputs[${n}].idProperty is required for upsert`);
      }
      const def = state.property(portal, type, idProperty);
      if (!def?.hasUniqueValue) {
        throw validation(
          `idProperty "${idProperty}" is not a property with unique values on ${type}; upsert needs one`,
        );
      }
      const rec = findByProperty(portal, type, idProperty, id);
      const props = { ...(isRecord(input.properties) ? input.properties : {}), [idProperty]: id };
      const write = validateProperties(state, portal, type, props, rec ? 'update' : 'create', rec);
      return { rec, write, key: `${idProperty}=${id.toLowerCase()}` };
    });
    noDuplicates(plans.map((p) => p.key));
    uniqueWithinBatch(
      state,
      portal,
      type,
      plans.map((p) => p.write),
    );
    plans.forEach((p) => checkUnique(state, portal, type, p.write, p.rec?.id));
    const results = plans.map((p) => {
      const rec = p.rec
        ? updateRecord(state, p.rec, p.write)
        : createRecord(state, portal, type, p.write);
      return { ...recordJson(state, portal, rec, 'all'), new: p.rec === undefined };
    });
    ok(res, 200, finish(startedAt, results));
  });

  r.post('/crm/v3/objects/:type/batch/archive', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const inputs = inputsOf(bodyOf(req), []);
    const ids = inputs.map((input, n) => idString(input.id, n));
    for (const id of ids) {
      const rec = findRecord(portal, type, id);
      if (rec) archiveRecord(state, portal, rec);
    }
    ok(res, 204);
  });

  return r;
}
