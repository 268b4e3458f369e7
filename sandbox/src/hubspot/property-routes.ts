// Properties API v3: read the schema, create/update/archive custom properties.
import express, { type Router } from 'express';
import { HubSpotError, notFound, validation } from './errors.ts';
import { bodyOf, ok, param, portalOf } from './http.ts';
import { objectType } from './object-types.ts';
import { onlyKeys } from './objects.ts';
import { assertGroupExists } from './property-groups.ts';
import { FIELD_TYPE_NAMES, PROPERTY_TYPES, propertyJson } from './properties.ts';
import type { SandboxState } from './state.ts';
import type { PropertyDef, PropertyOption, PropertyType } from './types.ts';
import { isRecord } from './validate.ts';

const FIELDS_FOR: Record<PropertyType, string[]> = {
  string: ['text', 'textarea', 'html', 'file', 'phonenumber'],
  phone_number: ['phonenumber', 'text'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
  bool: ['booleancheckbox', 'calculation_equation'],
};

const CREATE_KEYS = [
  'name',
  'label',
  'type',
  'fieldType',
  'groupName',
  'description',
  'options',
  'displayOrder',
  'hasUniqueValue',
  'hidden',
  'formField',
  'externalOptions',
  'dataSensitivity',
  'calculationFormula',
];

function parseOptions(raw: unknown, required: boolean): PropertyOption[] | undefined {
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
    if (required) throw validation('Enumeration properties need at least one option');
    return undefined;
  }
  if (!Array.isArray(raw)) throw validation('Invalid input JSON: options must be an array');
  const seen = new Set<string>();
  return raw.map((o: unknown, i) => {
    const opt = onlyKeys(o, ['label', 'value', 'displayOrder', 'hidden', 'description'], 'option');
    if (typeof opt.label !== 'string' || typeof opt.value !== 'string' || opt.value === '') {
      throw validation(`options[${i}] needs a string label and a non-empty string value`);
    }
    if (seen.has(opt.value)) throw validation(`Duplicate option value: ${opt.value}`);
    seen.add(opt.value);
    return {
      label: opt.label,
      value: opt.value,
      displayOrder: typeof opt.displayOrder === 'number' ? opt.displayOrder : i,
      hidden: opt.hidden === true,
      ...(typeof opt.description === 'string' ? { description: opt.description } : {}),
    };
  });
}

function parseDefinition(body: unknown, now: number): PropertyDef {
  const b = onlyKeys(body, CREATE_KEYS);
  const { name, label, type, fieldType, groupName } = b;
  if (typeof name !== 'string' || !/^[a-z][a-z0-9_]{0,99}$/.test(name)) {
    throw validation(
      `Invalid property name "${String(name)}": lower-case letters, digits and _ only, starting with a letter`,
    );
  }
  if (name.startsWith('hs_'))
    throw validation(`Property names starting with "hs_" are reserved: ${name}`);
  if (typeof label !== 'string' || label.trim() === '') throw validation('label is required');
  if (typeof type !== 'string' || !PROPERTY_TYPES.includes(type as PropertyType)) {
    throw validation(`Invalid type "${String(type)}"; one of ${PROPERTY_TYPES.join(', ')}`);
  }
  const t = type as PropertyType;
  if (typeof fieldType !== 'string' || !FIELD_TYPE_NAMES.includes(fieldType)) {
    throw validation(
      `Invalid fieldType "${String(fieldType)}"; one of ${FIELD_TYPE_NAMES.join(', ')}`,
    );
  }
  if (!FIELDS_FOR[t].includes(fieldType)) {
    throw validation(
      `fieldType ${fieldType} is not valid for type ${t}; use one of ${FIELDS_FOR[t].join(', ')}`,
    );
  }
  if (typeof groupName !== 'string' || groupName === '') throw validation('groupName is required');
  if (b.hasUniqueValue !== undefined && typeof b.hasUniqueValue !== 'boolean') {
    throw validation('hasUniqueValue must be a boolean');
  }
  const options = parseOptions(b.options, t === 'enumeration');
  return {
    name,
    label,
    type: t,
    fieldType,
    groupName,
    hubspotDefined: false,
    createdAt: now,
    hasUniqueValue: b.hasUniqueValue === true,
    ...(typeof b.description === 'string' ? { description: b.description } : {}),
    ...(options ? { options } : {}),
  };
}

export function propertiesRouter(state: SandboxState): Router {
  const r = express.Router();

  r.get('/crm/v3/properties/:type', (req, res) => {
    const type = objectType(param(req, 'type'));
    const results = state.properties(portalOf(res), type).map((d, i) => propertyJson(d, i));
    ok(res, 200, { results });
  });

  r.get('/crm/v3/properties/:type/:name', (req, res) => {
    const type = objectType(param(req, 'type'));
    const name = param(req, 'name');
    const all = state.properties(portalOf(res), type);
    const i = all.findIndex((d) => d.name === name);
    const def = all[i];
    if (!def) throw notFound(`Unable to find property ${name} for object type ${type}`);
    ok(res, 200, propertyJson(def, i));
  });

  r.post('/crm/v3/properties/:type', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const def = parseDefinition(bodyOf(req), state.now());
    assertGroupExists(portal, type, def.groupName);
    if (state.property(portal, type, def.name)) {
      throw new HubSpotError(
        409,
        'OBJECT_ALREADY_EXISTS',
        `A property named '${def.name}' already exists.`,
        {
          subCategory: 'PropertyValidationError.PROPERTY_EXISTS',
        },
      );
    }
    const custom = portal.customProperties.get(type) ?? [];
    custom.push(def);
    portal.customProperties.set(type, custom);
    ok(res, 201, propertyJson(def, state.properties(portal, type).length - 1));
  });

  r.patch('/crm/v3/properties/:type/:name', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const name = param(req, 'name');
    const def = portal.customProperties.get(type)?.find((d) => d.name === name);
    if (!def) {
      if (state.property(portal, type, name))
        throw validation(`Property ${name} is HubSpot-defined and read-only`);
      throw notFound(`Unable to find property ${name} for object type ${type}`);
    }
    const b = onlyKeys(bodyOf(req), [
      'label',
      'description',
      'options',
      'groupName',
      'displayOrder',
      'hidden',
      'formField',
    ]);
    if (typeof b.label === 'string') def.label = b.label;
    if (typeof b.description === 'string') def.description = b.description;
    if (typeof b.groupName === 'string') {
      assertGroupExists(portal, type, b.groupName);
      def.groupName = b.groupName;
    }
    if (isRecord(b) && b.options !== undefined)
      def.options = parseOptions(b.options, def.type === 'enumeration');
    ok(res, 200, propertyJson(def, 0));
  });

  r.delete('/crm/v3/properties/:type/:name', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const name = param(req, 'name');
    const custom = portal.customProperties.get(type) ?? [];
    const i = custom.findIndex((d) => d.name === name);
    if (i < 0) {
      if (state.property(portal, type, name))
        throw validation(`Property ${name} is HubSpot-defined and cannot be archived`);
      throw notFound(`Unable to find property ${name} for object type ${type}`);
    }
    custom.splice(i, 1);
    ok(res, 204);
  });

  return r;
}
