// Validation of association type specs, and the inline `associations` of creates.
import { addAssociation } from './assoc-store.ts';
import { defById, type AssociationDef } from './association-types.ts';
import { validation } from './errors.ts';
import { singularOf } from './object-types.ts';
import { findRecord } from './records.ts';
import type { ObjectTypeName, Portal } from './types.ts';
import { isRecord } from './validate.ts';

const CATEGORIES = ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'];

export interface PlannedAssociation {
  def: AssociationDef;
  toId: string;
}

export function idOf(v: unknown, what: string): string {
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  throw validation(`Invalid input JSON: ${what} must be a numeric id`);
}

function invalidPair(from: ObjectTypeName, to: string, typeId: unknown): Error {
  return validation(
    `association type id ${String(typeId)} doesn't exist between ${singularOf(from)} and ${to}`,
    { context: { associationTypeId: [String(typeId)] }, subCategory: 'INVALID_ASSOCIATION_TYPE' },
  );
}

/** Validates one `{associationCategory, associationTypeId}` spec used from `from` (to `to` if known). */
export function specDef(
  from: ObjectTypeName,
  to: ObjectTypeName | undefined,
  spec: unknown,
): AssociationDef {
  if (!isRecord(spec)) throw validation('Invalid input JSON: association type must be an object');
  const { associationCategory: category, associationTypeId: typeId } = spec;
  if (typeof category !== 'string' || !CATEGORIES.includes(category)) {
    throw validation(`Invalid associationCategory: ${String(category)}`);
  }
  if (typeof typeId !== 'number' || !Number.isInteger(typeId)) {
    throw validation('Invalid input JSON: associationTypeId must be an integer');
  }
  const def = category === 'HUBSPOT_DEFINED' ? defById(from, typeId) : undefined;
  if (!def || (to && def.to !== to))
    throw invalidPair(from, to ? singularOf(to) : 'object', typeId);
  return def;
}

export function missingObject(type: ObjectTypeName, id: string): Error {
  return validation(`${singularOf(type)}=${id} is not valid: the object does not exist`, {
    context: { toObjectId: [id] },
    subCategory: 'OBJECT_NOT_FOUND',
  });
}

/** Plans the inline `associations` of a create; nothing is written until the record exists. */
export function planInlineAssociations(
  portal: Portal,
  from: ObjectTypeName,
  raw: unknown,
): PlannedAssociation[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validation('Invalid input JSON: associations must be an array');
  const planned: PlannedAssociation[] = [];
  for (const item of raw) {
    if (
      !isRecord(item) ||
      !isRecord(item.to) ||
      !Array.isArray(item.types) ||
      item.types.length === 0
    ) {
      throw validation(
        'Invalid input JSON: each association needs "to": {"id"} and "types": [...]',
      );
    }
    const toId = idOf(item.to.id, 'associations[].to.id');
    const target = portal.records.get(toId);
    for (const spec of item.types) {
      const def = specDef(from, undefined, spec);
      if (target && !target.archived && target.type !== def.to) {
        throw invalidPair(from, singularOf(target.type), def.typeId);
      }
      if (!findRecord(portal, def.to, toId)) throw missingObject(def.to, toId);
      planned.push({ def, toId });
    }
  }
  return planned;
}

export function applyAssociations(portal: Portal, fromId: string, planned: PlannedAssociation[]) {
  for (const p of planned) addAssociation(portal, p.def, fromId, p.toId);
}
