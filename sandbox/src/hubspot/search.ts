// CRM search: strict body validation, filter evaluation over what is already "indexed".
import express, { type Router } from 'express';
import { validation } from './errors.ts';
import { bodyOf, iso, ok, param, portalOf } from './http.ts';
import { objectType } from './object-types.ts';
import { onlyKeys } from './objects.ts';
import { searchView, selectProperties } from './records.ts';
import { comparable, matches, parseFilter } from './search-filters.ts';
import type { SandboxState } from './state.ts';
import type { ObjectTypeName, Portal, PropertyDef } from './types.ts';

export const SEARCH_LIMITS = {
  groups: 5,
  filtersPerGroup: 6,
  filters: 18,
  limit: 200,
  total: 10_000,
};

const QUERY_FIELDS: Record<ObjectTypeName, string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'company'],
  companies: ['name', 'domain', 'website', 'phone'],
  deals: ['dealname'],
  tickets: ['subject', 'content'],
  calls: ['hs_call_title', 'hs_call_body'],
  communications: ['hs_communication_body'],
  notes: ['hs_note_body'],
};

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
