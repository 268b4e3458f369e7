// Property groups API v3 (/crm/v3/properties/{objectType}/groups): the groups a property's
// groupName must name. Each object type has HubSpot's own groups; apps add theirs. Like the real
// API, a duplicate name is 409 and a property may only be created in a group that exists.
import express, { type Router } from 'express';
import { conflict, notFound, validation } from './errors.ts';
import { bodyOf, ok, param, portalOf } from './http.ts';
import { OBJECT_TYPES, objectType } from './object-types.ts';
import { onlyKeys } from './objects.ts';
import { BUILTIN_PROPERTIES } from './properties.ts';
import type { ObjectTypeName, Portal, PropertyGroup } from './types.ts';

/** HubSpot's own groups: those of the built-in properties, plus `<object>information`. */
function builtinGroups(type: ObjectTypeName): PropertyGroup[] {
  const names = new Set([
    `${OBJECT_TYPES[type].singular}information`,
    ...BUILTIN_PROPERTIES[type].map((p) => p.groupName),
  ]);
  return [...names].map((name, i) => ({ name, label: name, displayOrder: i, archived: false }));
}

function custom(portal: Portal, type: ObjectTypeName): PropertyGroup[] {
  let list = portal.propertyGroups.get(type);
  if (!list) portal.propertyGroups.set(type, (list = []));
  return list;
}

export function propertyGroups(portal: Portal, type: ObjectTypeName): PropertyGroup[] {
  return [...builtinGroups(type), ...custom(portal, type)];
}

/** Refuses a property whose groupName names no group of that object type (400, like HubSpot). */
export function assertGroupExists(portal: Portal, type: ObjectTypeName, groupName: string): void {
  if (!propertyGroups(portal, type).some((g) => g.name === groupName))
    throw validation(`Property group ${groupName} does not exist.`, {
      subCategory: 'PropertyValidationError.INVALID_PROPERTY_GROUP',
    });
}

export function propertyGroupsRouter(): Router {
  const r = express.Router();

  r.get('/crm/v3/properties/:type/groups', (req, res) => {
    const type = objectType(param(req, 'type'));
    ok(res, 200, { results: propertyGroups(portalOf(res), type) });
  });

  r.get('/crm/v3/properties/:type/groups/:name', (req, res) => {
    const type = objectType(param(req, 'type'));
    const name = param(req, 'name');
    const group = propertyGroups(portalOf(res), type).find((g) => g.name === name);
    if (!group) throw notFound(`Unable to find property group ${name} for object type ${type}`);
    ok(res, 200, group);
  });

  r.post('/crm/v3/properties/:type/groups', (req, res) => {
    const portal = portalOf(res);
    const type = objectType(param(req, 'type'));
    const b = onlyKeys(bodyOf(req), ['name', 'label', 'displayOrder']);
    if (typeof b.name !== 'string' || !/^[a-z][a-z0-9_]{0,99}$/.test(b.name))
      throw validation(
        `Invalid group name "${String(b.name)}": lower-case letters, digits and _ only, starting with a letter`,
      );
    if (typeof b.label !== 'string' || b.label.trim() === '') throw validation('label is required');
    if (b.displayOrder !== undefined && !Number.isInteger(b.displayOrder))
      throw validation('displayOrder must be an integer');
    if (propertyGroups(portal, type).some((g) => g.name === b.name))
      throw conflict(`A property group named '${b.name}' already exists.`);
    const group: PropertyGroup = {
      name: b.name,
      label: b.label,
      displayOrder: typeof b.displayOrder === 'number' ? b.displayOrder : -1,
      archived: false,
    };
    custom(portal, type).push(group);
    ok(res, 201, group);
  });

  return r;
}
