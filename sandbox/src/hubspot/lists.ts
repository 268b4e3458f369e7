// Lists API v3 (the parts campaigns use): create a list, read it, add records to a MANUAL or
// SNAPSHOT list, page through memberships. DYNAMIC lists are filter-driven: HubSpot refuses
// manual additions to them, and so does the sandbox.
import express, { type Router } from 'express';
import { notFound, validation } from './errors.ts';
import { bodyOf, ok, param, portalOf, queryString } from './http.ts';
import { findRecord } from './records.ts';
import type { SandboxState } from './state.ts';
import type { Portal } from './types.ts';
import { isRecord } from './validate.ts';

interface SandboxList {
  listId: string;
  name: string;
  objectTypeId: string;
  processingType: 'MANUAL' | 'SNAPSHOT' | 'DYNAMIC';
  createdAt: string;
  updatedAt: string;
  /** recordId → membership timestamp (ISO). */
  members: Map<string, string>;
}

/** Object type ids lists may hold (contacts, companies, deals, tickets). */
const OBJECT_TYPES: Record<string, 'contacts' | 'companies' | 'deals' | 'tickets'> = {
  '0-1': 'contacts',
  '0-2': 'companies',
  '0-3': 'deals',
  '0-5': 'tickets',
};

const listsByPortal = new WeakMap<Portal, { next: number; lists: Map<string, SandboxList> }>();
function listsOf(portal: Portal) {
  let l = listsByPortal.get(portal);
  if (!l) listsByPortal.set(portal, (l = { next: 1, lists: new Map() }));
  return l;
}

function view(l: SandboxList) {
  return {
    listId: l.listId,
    listVersion: 1,
    name: l.name,
    objectTypeId: l.objectTypeId,
    processingType: l.processingType,
    processingStatus: 'COMPLETE',
    createdAt: l.createdAt,
    updatedAt: l.updatedAt,
    size: l.members.size,
  };
}

export function listsRouter(state: SandboxState): Router {
  const r = express.Router();
  const find = (portal: Portal, listId: string) => {
    const l = listsOf(portal).lists.get(listId);
    if (!l) throw notFound(`List ${listId} does not exist.`);
    return l;
  };

  r.post('/crm/v3/lists', (req, res) => {
    const body = bodyOf(req);
    if (!isRecord(body)) throw validation('Invalid input JSON');
    const allowed = ['name', 'objectTypeId', 'processingType', 'filterBranch', 'listFolderId'];
    const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
    if (unknown.length > 0) throw validation(`Unrecognized field(s): ${unknown.join(', ')}`);
    const { name, objectTypeId, processingType, filterBranch } = body;
    if (typeof name !== 'string' || name.trim() === '') throw validation('name is required');
    if (typeof objectTypeId !== 'string' || !OBJECT_TYPES[objectTypeId])
      throw validation(`objectTypeId must be one of ${Object.keys(OBJECT_TYPES).join(', ')}`);
    if (
      processingType !== 'MANUAL' &&
      processingType !== 'SNAPSHOT' &&
      processingType !== 'DYNAMIC'
    )
      throw validation('processingType must be MANUAL, SNAPSHOT or DYNAMIC');
    if (processingType === 'DYNAMIC' && !isRecord(filterBranch))
      throw validation('A DYNAMIC list needs a filterBranch');
    const portal = portalOf(res);
    const store = listsOf(portal);
    if ([...store.lists.values()].some((l) => l.name === name))
      throw validation(`A list named ${name} already exists.`);
    const at = new Date(state.now()).toISOString();
    const list: SandboxList = {
      listId: String(store.next++),
      name,
      objectTypeId,
      processingType,
      createdAt: at,
      updatedAt: at,
      members: new Map(),
    };
    store.lists.set(list.listId, list);
    ok(res, 200, { list: view(list) });
  });

  r.get('/crm/v3/lists/:listId', (req, res) => {
    ok(res, 200, { list: view(find(portalOf(res), param(req, 'listId'))) });
  });

  r.put('/crm/v3/lists/:listId/memberships/add', (req, res) => {
    const portal = portalOf(res);
    const list = find(portal, param(req, 'listId'));
    if (list.processingType === 'DYNAMIC')
      throw validation(`List ${list.listId} is DYNAMIC: its memberships come from its filters.`);
    const ids = bodyOf(req);
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string' && typeof x !== 'number'))
      throw validation('Body must be an array of record ids');
    if (ids.length > 100_000) throw validation('At most 100,000 record ids per request');
    const type = OBJECT_TYPES[list.objectTypeId]!;
    const added: string[] = [];
    const missing: string[] = [];
    const at = new Date(state.now()).toISOString();
    for (const raw of ids as (string | number)[]) {
      const id = String(raw);
      if (!findRecord(portal, type, id)) missing.push(id);
      else if (!list.members.has(id)) {
        list.members.set(id, at);
        added.push(id);
      }
    }
    list.updatedAt = at;
    ok(res, 200, { recordIdsAdded: added, recordIdsMissing: missing });
  });

  r.get('/crm/v3/lists/:listId/memberships', (req, res) => {
    const list = find(portalOf(res), param(req, 'listId'));
    const limitRaw = queryString(req, 'limit');
    const limit = limitRaw === undefined ? 100 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 250)
      throw validation('limit must be between 1 and 250');
    const after = queryString(req, 'after');
    const ids = [...list.members.keys()].sort((a, b) => Number(a) - Number(b));
    const start = after === undefined ? 0 : ids.findIndex((id) => Number(id) > Number(after));
    const page = start < 0 ? [] : ids.slice(start, start + limit);
    const more = start >= 0 && start + limit < ids.length;
    ok(res, 200, {
      results: page.map((recordId) => ({
        recordId,
        membershipTimestamp: list.members.get(recordId),
      })),
      ...(more ? { paging: { next: { after: page[page.length - 1] } } } : {}),
    });
  });
  return r;
}
