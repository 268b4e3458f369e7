// CRM search: strict body validation, filter evaluation over what is already "indexed".
import express, { type Router } from 'express';
import { validation } from './errors.ts';
import { bodyOf, iso, ok, param, portalOf } from './http.ts';
import { objectType } from './object-types.ts';
import { onlyKeys } from './objects.ts';
import { searchView, selectProperties } from './records.ts';
import type { SandboxState } from './state.ts';
import type { ObjectTypeName, Portal, PropertyDef } from './types.ts';
import { parseDatetime } from './validate.ts';

export const SEARCH_LIMITS = {
  groups: 5,
  filtersPerGroup: 6,
  filters: 18,
  limit: 200,
  total: 10_000,
};

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;
type Operator = (typeof OPERATORS)[number];
type Scalar = string | number | boolean;

interface Filter {
  def: PropertyDef;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

const QUERY_FIELDS: Record<ObjectTypeName, string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'company'],
  companies: ['name', 'domain', 'website', 'phone'],
  deals: ['dealname'],
  tickets: ['subject', 'content'],
  calls: ['hs_call_title', 'hs_call_body'],
  communications: ['hs_communication_body'],
  notes: ['hs_note_body'],
};

const isScalar = (v: unknown): v is Scalar => ['string', 'number', 'boolean'].includes(typeof v);

function parseFilter(
  state: SandboxState,
  portal: Portal,
  type: ObjectTypeName,
  raw: unknown,
): Filter {
  const f = onlyKeys(raw, ['propertyName', 'operator', 'value', 'values', 'highValue'], 'filter');
  if (typeof f.propertyName !== 'string')
    throw validation('Invalid input JSON: filter.propertyName is required');
  const def = state.property(portal, type, f.propertyName);
  if (!def)
    throw validation(
      `There was a problem with the request: property "${f.propertyName}" does not exist on ${type}`,
    );
  const operator = f.operator;
  if (typeof operator !== 'string' || !(OPERATORS as readonly string[]).includes(operator)) {
    throw validation(
      `Invalid input JSON: Cannot deserialize value of type FilterOperator from String "${String(operator)}": not one of the values accepted: [${OPERATORS.join(', ')}]`,
    );
  }
  const op = operator as Operator;
  const out: Filter = { def, operator: op };
  const need = (key: 'value' | 'highValue'): string => {
    const v = f[key];
    if (!isScalar(v))
      throw validation(`Operator ${op} requires "${key}" on filter for ${def.name}`);
    return String(v);
  };
  if (op === 'IN' || op === 'NOT_IN') {
    if (!Array.isArray(f.values) || f.values.length === 0 || !f.values.every(isScalar)) {
      throw validation(
        `Operator ${op} requires a non-empty "values" array on filter for ${def.name}`,
      );
    }
    out.values = f.values.map(String);
  } else if (op !== 'HAS_PROPERTY' && op !== 'NOT_HAS_PROPERTY') {
    out.value = need('value');
    if (op === 'BETWEEN') out.highValue = need('highValue');
  }
  return out;
}

function comparable(def: PropertyDef, v: string): number | string {
  if (def.type === 'number') return Number(v);
  if (def.type === 'datetime' || def.type === 'date') return parseDatetime(v) ?? Number.NaN;
  return v.toLowerCase();
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function containsToken(stored: string, token: string): boolean {
  const re = wildcard(token);
  const v = stored.toLowerCase();
  return re.test(v) || v.split(/[\s,;]+/).some((t) => re.test(t));
}

function matches(f: Filter, view: Record<string, string>): boolean {
  const stored = view[f.def.name];
  const has = stored !== undefined && stored !== '';
  const cmp = (x: string) => comparable(f.def, x);
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'EQ':
      return has && cmp(stored) === cmp(f.value ?? '');
    case 'NEQ':
      return !has || cmp(stored) !== cmp(f.value ?? '');
    case 'LT':
      return has && cmp(stored) < cmp(f.value ?? '');
    case 'LTE':
      return has && cmp(stored) <= cmp(f.value ?? '');
    case 'GT':
      return has && cmp(stored) > cmp(f.value ?? '');
    case 'GTE':
      return has && cmp(stored) >= cmp(f.value ?? '');
    case 'BETWEEN':
      return has && cmp(stored) >= cmp(f.value ?? '') && cmp(stored) <= cmp(f.highValue ?? '');
    case 'IN':
      return has && (f.values ?? []).some((v) => cmp(v) === cmp(stored));
    case 'NOT_IN':
      return !has || !(f.values ?? []).some((v) => cmp(v) === cmp(stored));
    case 'CONTAINS_TOKEN':
      return has && containsToken(stored, f.value ?? '');
    case 'NOT_CONTAINS_TOKEN':
      return !has || !containsToken(stored, f.value ?? '');
  }
}

interface Sort {
  def: PropertyDef;
  descending: boolean;
}

function parseSorts(
  state: SandboxState,
  portal: Portal,
  type: ObjectTypeName,
  raw: unknown,
): Sort[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validation('Invalid input JSON: sorts must be an array');
  if (raw.length > 1) throw validation('Only one sort is allowed per search');
  return raw.map((s: unknown) => {
    const spec =
      typeof s === 'string'
        ? {
            propertyName: s.replace(/^-/, ''),
            direction: s.startsWith('-') ? 'DESCENDING' : 'ASCENDING',
          }
        : onlyKeys(s, ['propertyName', 'direction'], 'sort');
    const def =
      typeof spec.propertyName === 'string'
        ? state.property(portal, type, spec.propertyName)
        : undefined;
    if (!def) throw validation(`Invalid sort: unknown property ${String(spec.propertyName)}`);
    const dir = spec.direction ?? 'ASCENDING';
    if (dir !== 'ASCENDING' && dir !== 'DESCENDING')
      throw validation(`Invalid sort direction: ${JSON.stringify(dir)}`);
    return { def, descending: dir === 'DESCENDING' };
  });
}

function intIn(v: unknown, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw validation(
      `${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

export function searchRouter(state: SandboxState): Router {
  const r = express.Router();
  r.post('/crm/v3/objects/:type/search', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const body = onlyKeys(bodyOf(req) ?? {}, [
      'filterGroups',
      'sorts',
      'query',
      'properties',
      'limit',
      'after',
    ]);
    const groupsRaw = body.filterGroups ?? [];
    if (!Array.isArray(groupsRaw))
      throw validation('Invalid input JSON: filterGroups must be an array');
    if (groupsRaw.length > SEARCH_LIMITS.groups) {
      throw validation(
        `Too many filter groups: ${groupsRaw.length}, the maximum is ${SEARCH_LIMITS.groups}`,
      );
    }
    const groups = groupsRaw.map((g: unknown) => {
      const group = onlyKeys(g, ['filters'], 'filterGroup');
      if (!Array.isArray(group.filters))
        throw validation('Invalid input JSON: filterGroup.filters must be an array');
      if (group.filters.length > SEARCH_LIMITS.filtersPerGroup) {
        throw validation(
          `Too many filters in a group: ${group.filters.length}, the maximum is ${SEARCH_LIMITS.filtersPerGroup}`,
        );
      }
      return group.filters.map((f: unknown) => parseFilter(state, portal, type, f));
    });
    const total = groups.reduce((n, g) => n + g.length, 0);
    if (total > SEARCH_LIMITS.filters) {
      throw validation(
        `Too many filters: ${total}, the maximum is ${SEARCH_LIMITS.filters} in all groups`,
      );
    }
    const sorts = parseSorts(state, portal, type, body.sorts);
    const limit = intIn(body.limit, 'limit', 0, SEARCH_LIMITS.limit, 10);
    const after = intIn(body.after, 'after', 0, SEARCH_LIMITS.total, 0);
    if (after + limit > SEARCH_LIMITS.total)
      throw validation(`Search can page through at most ${SEARCH_LIMITS.total} results`);
    if (body.query !== undefined && typeof body.query !== 'string')
      throw validation('query must be a string');
    if (
      body.properties !== undefined &&
      (!Array.isArray(body.properties) || !body.properties.every((p) => typeof p === 'string'))
    ) {
      throw validation('properties must be an array of strings');
    }
    const query = typeof body.query === 'string' ? body.query.toLowerCase() : '';
    const now = state.now();
    const hits = [...portal.records.values()]
      .filter((rec) => rec.type === type)
      .flatMap((rec) => {
        const view = searchView(rec, now);
        return view ? [{ rec, view }] : [];
      })
      .filter(
        ({ view }) => groups.length === 0 || groups.some((g) => g.every((f) => matches(f, view))),
      )
      .filter(
        ({ view }) =>
          !query || QUERY_FIELDS[type].some((p) => view[p]?.toLowerCase().includes(query)),
      )
      .sort((a, b) => {
        const s = sorts[0];
        if (s) {
          const [x, y] = [a.view[s.def.name], b.view[s.def.name]];
          if (x !== y) {
            if (x === undefined) return 1;
            if (y === undefined) return -1;
            const [cx, cy] = [comparable(s.def, x), comparable(s.def, y)];
            if (cx !== cy) return (cx < cy ? -1 : 1) * (s.descending ? -1 : 1);
          }
        }
        return Number(a.rec.id) - Number(b.rec.id);
      });
    const page = hits.slice(after, after + limit);
    const props = body.properties;
    const known = (name: string) => state.property(portal, type, name) !== undefined;
    const results = page.map(({ rec, view }) => ({
      id: rec.id,
      properties: selectProperties(
        type,
        view,
        props && props.length > 0 ? props : undefined,
        known,
      ),
      createdAt: iso(rec.createdAt),
      updatedAt: iso(rec.updatedAt),
      archived: false,
    }));
    const more = after + limit < hits.length;
    ok(res, 200, {
      total: hits.length,
      results,
      ...(more ? { paging: { next: { after: String(after + limit) } } } : {}),
    });
  });
  return r;
}
