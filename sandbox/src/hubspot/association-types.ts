// HUBSPOT_DEFINED association type ids per direction, from HubSpot's "association type id values".
import type { ObjectTypeName } from './types.ts';

export interface AssociationDef {
  from: ObjectTypeName;
  to: ObjectTypeName;
  typeId: number;
  inverse: number;
  label: string | null;
  /** For a primary type: the unlabeled type it implies. */
  implies?: number;
  /** For a primary type: the side that may have only one such association. */
  holder?: ObjectTypeName;
}

type Row = [ObjectTypeName, ObjectTypeName, number, number, string | null];

// [from, to, from→to id, to→from id, label]
const ROWS: Row[] = [
  ['contacts', 'companies', 279, 280, null],
  ['contacts', 'companies', 1, 2, 'Primary'],
  ['contacts', 'deals', 4, 3, null],
  ['contacts', 'tickets', 15, 16, null],
  ['companies', 'deals', 342, 341, null],
  ['companies', 'deals', 6, 5, 'Primary'],
  ['companies', 'tickets', 340, 339, null],
  ['companies', 'tickets', 25, 26, 'Primary'],
  ['deals', 'tickets', 27, 28, null],
  ['calls', 'contacts', 194, 193, null],
  ['calls', 'companies', 182, 181, null],
  ['calls', 'deals', 206, 205, null],
  ['calls', 'tickets', 220, 219, null],
  ['communications', 'contacts', 81, 82, null],
  ['communications', 'companies', 87, 88, null],
  ['communications', 'deals', 85, 86, null],
  ['communications', 'tickets', 83, 84, null],
  ['notes', 'contacts', 202, 201, null],
  ['notes', 'companies', 190, 189, null],
  ['notes', 'deals', 214, 213, null],
  ['notes', 'tickets', 228, 227, null],
];

/** Primary types: [type id, implied unlabeled id, the side holding at most one primary]. */
const PRIMARY: Array<[number, number, ObjectTypeName]> = [
  [1, 279, 'contacts'],
  [2, 280, 'contacts'],
  [6, 342, 'deals'],
  [5, 341, 'deals'],
  [25, 340, 'tickets'],
  [26, 339, 'tickets'],
];

export const ASSOCIATION_DEFS: AssociationDef[] = ROWS.flatMap(([a, b, ab, ba, label]) => [
  { from: a, to: b, typeId: ab, inverse: ba, label },
  { from: b, to: a, typeId: ba, inverse: ab, label },
]);
for (const def of ASSOCIATION_DEFS) {
  const primary = PRIMARY.find(([id]) => id === def.typeId);
  if (primary) {
    def.implies = primary[1];
    def.holder = primary[2];
  }
}

/** The def for a type id used from `from` (the target type follows from the id). */
export function defById(from: ObjectTypeName, typeId: number): AssociationDef | undefined {
  return ASSOCIATION_DEFS.find((d) => d.from === from && d.typeId === typeId);
}

export function defsBetween(from: ObjectTypeName, to: ObjectTypeName): AssociationDef[] {
  return ASSOCIATION_DEFS.filter((d) => d.from === from && d.to === to);
}

/** The unlabeled type used by the "default" association endpoints. */
export function defaultDef(from: ObjectTypeName, to: ObjectTypeName): AssociationDef | undefined {
  return defsBetween(from, to).find((d) => d.label === null);
}

/** The v3 name shown in GET …?associations= results, e.g. "call_to_contact". */
export function v3TypeName(def: AssociationDef, singular: (t: ObjectTypeName) => string): string {
  const base = `${singular(def.from)}_to_${singular(def.to)}`;
  const hasPrimary = defsBetween(def.from, def.to).some((d) => d.label === 'Primary');
  return hasPrimary && def.label === null ? `${base}_unlabeled` : base;
}
