// Record operations shared by the object, batch, search and control endpoints.
import { associationsOf, removeAllFor } from './assoc-store.ts';
import { defById, v3TypeName } from './association-types.ts';
import { conflict } from './errors.ts';
import { OBJECT_TYPES, singularOf } from './object-types.ts';
import type { SandboxState } from './state.ts';
import type { CrmRecord, ObjectTypeName, Portal } from './types.ts';
import type { PropertyWrite } from './validate.ts';

export interface WriteOptions {
  /** Make the write visible to search at once (seeding), ignoring the index delay. */
  indexNow?: boolean;
}

export function findRecord(
  portal: Portal,
  type: ObjectTypeName,
  id: string,
  includeArchived = false,
): CrmRecord | undefined {
  const rec = portal.records.get(id);
  if (!rec || rec.type !== type || (rec.archived && !includeArchived)) return undefined;
  return rec;
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

// Value index per portal (type, property, lower-cased value → records), kept by applyWrite:
// unique-value checks and upserts by id property stay O(1) with tens of thousands of records
// (the write-back bench), where a scan per input would make the sandbox the bottleneck.
const valueIndexes = new WeakMap<Portal, Map<string, Set<CrmRecord>>>();
const portalOfRecord = new WeakMap<CrmRecord, Portal>();

const indexKey = (type: ObjectTypeName, name: string, value: string) =>
  `${type}\u0000${name}\u0000${value.toLowerCase()}`;

function valueIndex(portal: Portal): Map<string, Set<CrmRecord>> {
  let index = valueIndexes.get(portal);
  if (!index) {
    index = new Map();
    valueIndexes.set(portal, index);
    for (const rec of portal.records.values()) indexRecord(index, rec);
  }
  return index;
}

function indexRecord(index: Map<string, Set<CrmRecord>>, rec: CrmRecord): void {
  for (const [name, value] of Object.entries(rec.properties)) {
    const key = indexKey(rec.type, name, value);
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(rec);
  }
}

function unindexRecord(index: Map<string, Set<CrmRecord>>, rec: CrmRecord): void {
  for (const [name, value] of Object.entries(rec.properties)) {
    const key = indexKey(rec.type, name, value);
    const set = index.get(key);
    set?.delete(rec);
    if (set?.size === 0) index.delete(key);
  }
}

export function findByProperty(
  portal: Portal,
  type: ObjectTypeName,
  name: string,
  value: string,
): CrmRecord | undefined {
  if (name === 'hs_object_id') return findRecord(portal, type, value);
  let first: CrmRecord | undefined;
  // The oldest match, as a scan in creation order would find it.
  for (const rec of valueIndex(portal).get(indexKey(type, name, value)) ?? []) {
    if (rec.archived || !same(rec.properties[name] ?? '', value)) continue;
    if (!first || Number(rec.id) < Number(first.id)) first = rec;
  }
  return first;
}

/** HubSpot refuses a second record with the same value of a unique property (409). */
export function checkUnique(
  state: SandboxState,
  portal: Portal,
  type: ObjectTypeName,
  write: PropertyWrite,
  selfId?: string,
): void {
  for (const def of state.properties(portal, type)) {
    const value = write[def.name];
    if (!def.hasUniqueValue || value === undefined || value === null) continue;
    const other = findByProperty(portal, type, def.name, value);
    if (other && other.id !== selfId) {
      const message =
        type === 'contacts' && def.name === 'email'
          ? `Contact already exists. Existing ID: ${other.id}`
          : `A ${singularOf(type)} with ${def.name} "${value}" already exists. Existing ID: ${other.id}`;
      throw conflict(message);
    }
  }
}

function digits(v: string | undefined): string | undefined {
  const d = v?.replace(/\D/g, '');
  return d ? d : undefined;
}

function applyWrite(portal: Portal, rec: CrmRecord, write: PropertyWrite, now: number): void {
  const index = valueIndex(portal);
  unindexRecord(index, rec);
  applyProperties(rec, write, now);
  indexRecord(index, rec);
}

function applyProperties(rec: CrmRecord, write: PropertyWrite, now: number): void {
  for (const [name, value] of Object.entries(write)) {
    if (value === null) delete rec.properties[name];
    else rec.properties[name] = value;
  }
  const info = OBJECT_TYPES[rec.type];
  rec.updatedAt = now;
  rec.properties.hs_object_id = rec.id;
  rec.properties[info.createdProp] ??= new Date(rec.createdAt).toISOString();
  rec.properties[info.modifiedProp] = new Date(now).toISOString();
  if (rec.type === 'contacts') {
    // Unconfirmed semantics in HubSpot; here: the digits of phone / mobilephone.
    const phone = digits(rec.properties.phone);
    const mobile = digits(rec.properties.mobilephone);
    if (phone) rec.properties.hs_searchable_calculated_phone_number = phone;
    else delete rec.properties.hs_searchable_calculated_phone_number;
    if (mobile) rec.properties.hs_searchable_calculated_mobile_number = mobile;
    else delete rec.properties.hs_searchable_calculated_mobile_number;
  }
}

let snapshotSeq = 0;

function snapshot(state: SandboxState, rec: CrmRecord, opts: WriteOptions): void {
  const now = state.now();
  const visibleAt = opts.indexNow ? now : now + state.config.searchIndexDelayMs();
  snapshotSeq += 1;
  rec.snapshots.push({
    seq: snapshotSeq,
    visibleAt,
    archived: rec.archived,
    properties: { ...rec.properties },
  });
  // Keep the newest visible snapshot and everything not yet visible.
  let lastVisible = -1;
  rec.snapshots.forEach((s, i) => {
    if (s.visibleAt <= now) lastVisible = i;
  });
  if (lastVisible > 0) rec.snapshots.splice(0, lastVisible);
}

export function createRecord(
  state: SandboxState,
  portal: Portal,
  type: ObjectTypeName,
  write: PropertyWrite,
  opts: WriteOptions = {},
): CrmRecord {
  const now = state.now();
  const seededCreate = write[OBJECT_TYPES[type].createdProp];
  const createdAt = seededCreate ? Date.parse(seededCreate) : now;
  const rec: CrmRecord = {
    id: state.nextId(),
    type,
    properties: {},
    createdAt,
    updatedAt: now,
    archived: false,
    snapshots: [],
  };
  portal.records.set(rec.id, rec);
  portalOfRecord.set(rec, portal);
  applyWrite(portal, rec, write, now);
  snapshot(state, rec, opts);
  return rec;
}

export function updateRecord(
  state: SandboxState,
  rec: CrmRecord,
  write: PropertyWrite,
  opts: WriteOptions = {},
): CrmRecord {
  const portal = portalOfRecord.get(rec);
  if (!portal) throw new Error(`record ${rec.id} was not made by createRecord`);
  applyWrite(portal, rec, write, state.now());
  snapshot(state, rec, opts);
  return rec;
}

export function archiveRecord(state: SandboxState, portal: Portal, rec: CrmRecord): void {
  if (rec.archived) return;
  rec.archived = true;
  rec.archivedAt = state.now();
  removeAllFor(portal, rec.type, rec.id);
  snapshot(state, rec, {});
}

/** What search sees of a record now: the newest snapshot that is already indexed. */
export function searchView(rec: CrmRecord, now: number): Record<string, string> | undefined {
  let view: CrmRecord['snapshots'][number] | undefined;
  for (const s of rec.snapshots) if (s.visibleAt <= now && (!view || s.seq > view.seq)) view = s;
  return view && !view.archived ? view.properties : undefined;
}

/** `undefined` → the type's default properties; `'all'` → every property with a value. */
export type PropertySelection = string[] | 'all' | undefined;

export function selectProperties(
  type: ObjectTypeName,
  properties: Record<string, string>,
  selection: PropertySelection,
  known: (name: string) => boolean,
): Record<string, string | null> {
  if (selection === 'all') return { ...properties };
  const info = OBJECT_TYPES[type];
  const names = selection
    ? [info.createdProp, info.modifiedProp, 'hs_object_id', ...selection.filter(known)]
    : info.defaults;
  const out: Record<string, string | null> = {};
  for (const name of [...new Set(names)].sort()) out[name] = properties[name] ?? null;
  return out;
}

export function recordJson(
  state: SandboxState,
  portal: Portal,
  rec: CrmRecord,
  selection: PropertySelection,
  associations?: ObjectTypeName[],
): Record<string, unknown> {
  const known = (name: string) => state.property(portal, rec.type, name) !== undefined;
  const json: Record<string, unknown> = {
    id: rec.id,
    properties: selectProperties(rec.type, rec.properties, selection, known),
    createdAt: new Date(rec.createdAt).toISOString(),
    updatedAt: new Date(rec.updatedAt).toISOString(),
    archived: rec.archived,
  };
  if (rec.archivedAt !== undefined) json.archivedAt = new Date(rec.archivedAt).toISOString();
  if (associations && associations.length > 0) {
    const assoc: Record<string, unknown> = {};
    for (const toType of associations) {
      const results = associationsOf(portal, rec.type, rec.id, toType).flatMap((a) =>
        a.typeIds.map((typeId) => {
          const def = defById(rec.type, typeId);
          return { id: a.toId, type: def ? v3TypeName(def, singularOf) : String(typeId) };
        }),
      );
      if (results.length > 0) assoc[toType] = { results };
    }
    if (Object.keys(assoc).length > 0) json.associations = assoc;
  }
  return json;
}
