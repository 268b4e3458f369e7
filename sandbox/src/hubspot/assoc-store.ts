// Association storage: kept symmetrically (every edge has its inverse), per portal.
import { defById, type AssociationDef } from './association-types.ts';
import type { ObjectTypeName, Portal } from './types.ts';

export const nodeKey = (type: ObjectTypeName, id: string): string => `${type}:${id}`;

function splitKey(key: string): [ObjectTypeName, string] {
  const i = key.indexOf(':');
  return [key.slice(0, i) as ObjectTypeName, key.slice(i + 1)];
}

function edge(portal: Portal, from: string, to: string): Set<number> {
  let targets = portal.associations.get(from);
  if (!targets) {
    targets = new Map();
    portal.associations.set(from, targets);
  }
  let types = targets.get(to);
  if (!types) {
    types = new Set();
    targets.set(to, types);
  }
  return types;
}

function dropTypes(portal: Portal, from: string, to: string, typeIds: number[] | undefined): void {
  const targets = portal.associations.get(from);
  const types = targets?.get(to);
  if (!targets || !types) return;
  if (typeIds) for (const id of typeIds) types.delete(id);
  if (!typeIds || types.size === 0) targets.delete(to);
  if (targets.size === 0) portal.associations.delete(from);
}

/** Adds `def` between two records (and its inverse; a primary type adds its unlabeled type). */
export function addAssociation(
  portal: Portal,
  def: AssociationDef,
  fromId: string,
  toId: string,
): void {
  const from = nodeKey(def.from, fromId);
  const to = nodeKey(def.to, toId);
  if (def.holder) {
    // Only one primary per holder: moving the primary removes it from the old pair.
    const holderIsFrom = def.holder === def.from;
    const holderKey = holderIsFrom ? from : to;
    const holderType = holderIsFrom ? def.typeId : def.inverse;
    for (const [other, types] of portal.associations.get(holderKey) ?? []) {
      if (other !== (holderIsFrom ? to : from) && types.has(holderType)) {
        const inverse = holderIsFrom ? def.inverse : def.typeId;
        dropTypes(portal, holderKey, other, [holderType]);
        dropTypes(portal, other, holderKey, [inverse]);
      }
    }
  }
  edge(portal, from, to).add(def.typeId);
  edge(portal, to, from).add(def.inverse);
  if (def.implies !== undefined) {
    const implied = defById(def.from, def.implies);
    if (implied) addAssociation(portal, implied, fromId, toId);
  }
}

/** Removes the given types (all when omitted) between two records, in both directions. */
export function removeAssociation(
  portal: Portal,
  fromType: ObjectTypeName,
  fromId: string,
  toType: ObjectTypeName,
  toId: string,
  defs?: AssociationDef[],
): void {
  const from = nodeKey(fromType, fromId);
  const to = nodeKey(toType, toId);
  dropTypes(
    portal,
    from,
    to,
    defs?.map((d) => d.typeId),
  );
  dropTypes(
    portal,
    to,
    from,
    defs?.map((d) => d.inverse),
  );
}

export interface AssociatedRecord {
  toType: ObjectTypeName;
  toId: string;
  typeIds: number[];
}

/** Records associated with a record, optionally only of one type, oldest association first. */
export function associationsOf(
  portal: Portal,
  type: ObjectTypeName,
  id: string,
  toType?: ObjectTypeName,
): AssociatedRecord[] {
  const out: AssociatedRecord[] = [];
  for (const [key, types] of portal.associations.get(nodeKey(type, id)) ?? []) {
    const [t, toId] = splitKey(key);
    if (toType && t !== toType) continue;
    out.push({ toType: t, toId, typeIds: [...types].sort((a, b) => a - b) });
  }
  return out;
}

/** Drops every association of a record (used when it is archived). */
export function removeAllFor(portal: Portal, type: ObjectTypeName, id: string): void {
  for (const other of associationsOf(portal, type, id)) {
    removeAssociation(portal, type, id, other.toType, other.toId);
  }
}
