// The CRM object types the sandbox knows, their ids ("0-1") and aliases.
import { validation } from './errors.ts';
import type { ObjectTypeName } from './types.ts';

interface ObjectTypeInfo {
  typeId: string;
  singular: string;
  /** Scope prefix; read and write scopes add ".read"/".write" (tickets: plain "tickets"). */
  scope: string;
  /** Properties returned when a request names none. */
  defaults: string[];
  createdProp: string;
  modifiedProp: string;
}

const ACTIVITY_DEFAULTS = ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'];

export const OBJECT_TYPES: Record<ObjectTypeName, ObjectTypeInfo> = {
  contacts: {
    typeId: '0-1',
    singular: 'contact',
    scope: 'crm.objects.contacts',
    defaults: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    createdProp: 'createdate',
    modifiedProp: 'lastmodifieddate',
  },
  companies: {
    typeId: '0-2',
    singular: 'company',
    scope: 'crm.objects.companies',
    defaults: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    createdProp: 'createdate',
    modifiedProp: 'hs_lastmodifieddate',
  },
  deals: {
    typeId: '0-3',
    singular: 'deal',
    scope: 'crm.objects.deals',
    defaults: [
      'amount',
      'closedate',
      'createdate',
      'dealname',
      'dealstage',
      'hs_lastmodifieddate',
      'hs_object_id',
      'pipeline',
    ],
    createdProp: 'createdate',
    modifiedProp: 'hs_lastmodifieddate',
  },
  tickets: {
    typeId: '0-5',
    singular: 'ticket',
    scope: 'tickets',
    defaults: [
      'content',
      'createdate',
      'hs_lastmodifieddate',
      'hs_object_id',
      'hs_pipeline',
      'hs_pipeline_stage',
      'hs_ticket_category',
      'hs_ticket_priority',
      'subject',
    ],
    createdProp: 'createdate',
    modifiedProp: 'hs_lastmodifieddate',
  },
  calls: {
    typeId: '0-48',
    singular: 'call',
    scope: 'crm.objects.contacts',
    defaults: ACTIVITY_DEFAULTS,
    createdProp: 'hs_createdate',
    modifiedProp: 'hs_lastmodifieddate',
  },
  communications: {
    typeId: '0-18',
    singular: 'communication',
    scope: 'crm.objects.contacts',
    defaults: ACTIVITY_DEFAULTS,
    createdProp: 'hs_createdate',
    modifiedProp: 'hs_lastmodifieddate',
  },
  notes: {
    typeId: '0-46',
    singular: 'note',
    scope: 'crm.objects.contacts',
    defaults: ACTIVITY_DEFAULTS,
    createdProp: 'hs_createdate',
    modifiedProp: 'hs_lastmodifieddate',
  },
};

export const OBJECT_TYPE_NAMES = Object.keys(OBJECT_TYPES) as ObjectTypeName[];

const ALIASES = new Map<string, ObjectTypeName>();
for (const name of OBJECT_TYPE_NAMES) {
  const info = OBJECT_TYPES[name];
  ALIASES.set(name, name);
  ALIASES.set(info.singular, name);
  ALIASES.set(info.typeId, name);
}

export function findObjectType(raw: string): ObjectTypeName | undefined {
  return ALIASES.get(raw.toLowerCase());
}

/** Resolves a path segment like "contacts", "contact" or "0-1"; HubSpot answers 400 otherwise. */
export function objectType(raw: string | undefined): ObjectTypeName {
  const found = raw === undefined ? undefined : findObjectType(raw);
  if (!found) throw validation(`Unable to infer object type from: ${raw ?? ''}`);
  return found;
}

export function singularOf(type: ObjectTypeName): string {
  return OBJECT_TYPES[type].singular;
}

export function typeIdOf(type: ObjectTypeName): string {
  return OBJECT_TYPES[type].typeId;
}
