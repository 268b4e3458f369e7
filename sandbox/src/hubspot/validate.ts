// Validation of property values on write, with HubSpot's per-property error codes.
import { propertyErrors, validation, type PropertyValueError } from './errors.ts';
import { DEAL_PIPELINES, MAX_STRING_LENGTH, TICKET_PIPELINES } from './properties.ts';
import type { SandboxState } from './state.ts';
import type { CrmRecord, ObjectTypeName, Portal, PropertyDef } from './types.ts';

export type WriteMode = 'create' | 'update' | 'seed';

/** Values a write sets: a string, or null to clear the property. */
export type PropertyWrite = Record<string, string | null>;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
/** Computed properties that not even seeding may set. */
const COMPUTED = new Set([
  'hs_object_id',
  'hs_searchable_calculated_phone_number',
  'hs_searchable_calculated_mobile_number',
]);

/** Epoch ms from a datetime value (epoch ms or ISO 8601), or undefined. */
export function parseDatetime(value: string): number | undefined {
  if (/^-?\d+$/.test(value)) return Number(value);
  if (ISO_DATETIME.test(value) || ISO_DATE.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function err(name: string, error: string, message: string): PropertyValueError {
  return { isValid: false, message, error, name };
}

function checkValue(
  state: SandboxState,
  portal: Portal,
  def: PropertyDef,
  value: string,
): { value: string } | PropertyValueError {
  const name = def.name;
  switch (def.type) {
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) {
        return err(name, 'INVALID_INTEGER', `${value} was not a valid number.`);
      }
      return { value: String(n) };
    }
    case 'bool': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') {
        return err(name, 'INVALID_BOOLEAN', `${value} was not a valid boolean (true or false).`);
      }
      return { value: v };
    }
    case 'datetime': {
      const ms = parseDatetime(value);
      if (ms === undefined) {
        return err(name, 'INVALID_DATETIME', `${value} is not a valid datetime.`);
      }
      return { value: new Date(ms).toISOString() };
    }
    case 'date': {
      const ms = parseDatetime(value);
      if (ms === undefined) return err(name, 'INVALID_DATE', `${value} is not a valid date.`);
      if (ms % 86_400_000 !== 0) {
        const time = new Date(ms).toISOString().slice(11, 23);
        return err(name, 'INVALID_DATE', `${value} is at ${time} UTC, not midnight!`);
      }
      return { value: new Date(ms).toISOString().slice(0, 10) };
    }
    case 'enumeration':
      return checkEnum(portal, def, value);
    case 'string':
    case 'phone_number':
      return checkString(state, portal, def, value);
  }
}

function checkEnum(portal: Portal, def: PropertyDef, value: string) {
  const allowed =
    def.check === 'owner'
      ? portal.owners.map((o) => o.id)
      : (def.options ?? []).map((o) => o.value);
  const parts = def.fieldType === 'checkbox' ? value.split(';') : [value];
  for (const part of parts) {
    if (allowed.includes(part)) continue;
    if (def.check === 'owner') {
      return err(def.name, 'INVALID_OWNER_ID', `${part} is not a valid owner id`);
    }
    return err(
      def.name,
      'INVALID_OPTION',
      `${part} was not one of the allowed options: [${allowed.join(', ')}]`,
    );
  }
  return { value };
}

function checkString(state: SandboxState, portal: Portal, def: PropertyDef, value: string) {
  const name = def.name;
  if (value.length > MAX_STRING_LENGTH) {
    return err(
      name,
      'INVALID_STRING_LENGTH',
      `Property "${name}" value is ${value.length} characters long; the maximum is ${MAX_STRING_LENGTH}.`,
    );
  }
  switch (def.check) {
    case 'email':
      if (!EMAIL.test(value))
        return err(name, 'INVALID_EMAIL', `Email address ${value} is invalid`);
      return { value: value.toLowerCase() };
    case 'https':
      if (!isHttpsUrl(value, state.config.allowHttpUrls)) {
        return err(name, 'INVALID_URL', `${value} is not a valid HTTPS URL`);
      }
      return { value };
    case 'attachments': {
      for (const id of value.split(';')) {
        if (!portal.files.has(id)) {
          return err(name, 'INVALID_OPTION', `File ${id} does not exist in this account`);
        }
      }
      return { value };
    }
    case 'owner':
    case undefined:
      return { value };
  }
}

function isHttpsUrl(value: string, allowHttp: boolean): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (allowHttp && url.protocol === 'http:');
  } catch {
    return false;
  }
}

/**
 * Validates the `properties` of a write. Every problem is reported at once, as HubSpot does.
 * Returns the normalised values (datetimes as ISO strings, emails lower-cased, null = clear).
 */
export function validateProperties(
  state: SandboxState,
  portal: Portal,
  type: ObjectTypeName,
  raw: unknown,
  mode: WriteMode,
  existing?: CrmRecord,
): PropertyWrite {
  if (raw === undefined && mode !== 'update') raw = {};
  if (!isRecord(raw)) throw validation('Invalid input JSON: "properties" must be an object');
  const errors: PropertyValueError[] = [];
  const out: PropertyWrite = {};
  for (const [name, rawValue] of Object.entries(raw)) {
    const def = state.property(portal, type, name);
    if (!def) {
      errors.push(err(name, 'PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`));
      continue;
    }
    if (def.readOnly && (mode !== 'seed' || COMPUTED.has(name))) {
      const msg = `"${name}" is a read only property; its value cannot be set.`;
      errors.push(err(name, 'READ_ONLY_VALUE', msg));
      continue;
    }
    if (rawValue === null || rawValue === '') {
      out[name] = null;
      continue;
    }
    if (
      typeof rawValue !== 'string' &&
      typeof rawValue !== 'number' &&
      typeof rawValue !== 'boolean'
    ) {
      const msg = `Property "${name}" must be a string, number or boolean`;
      errors.push(err(name, 'INVALID_PROPERTY_VALUE', msg));
      continue;
    }
    const checked = checkValue(state, portal, def, String(rawValue));
    if ('isValid' in checked) errors.push(checked);
    else out[name] = checked.value;
  }
  const merged = { ...(existing?.properties ?? {}), ...out };
  if (mode !== 'update') {
    for (const def of state.properties(portal, type)) {
      if (def.required && (merged[def.name] === undefined || merged[def.name] === null)) {
        errors.push(err(def.name, 'REQUIRED_PROPERTY', `Property "${def.name}" is required`));
      }
    }
  }
  errors.push(...pipelineErrors(type, merged));
  if (errors.length > 0) throw propertyErrors(errors);
  return out;
}

function pipelineErrors(
  type: ObjectTypeName,
  merged: Record<string, string | null | undefined>,
): PropertyValueError[] {
  const spec =
    type === 'deals'
      ? { pipes: DEAL_PIPELINES, pipe: 'pipeline', stage: 'dealstage', dflt: 'default' }
      : type === 'tickets'
        ? { pipes: TICKET_PIPELINES, pipe: 'hs_pipeline', stage: 'hs_pipeline_stage', dflt: '0' }
        : undefined;
  if (!spec) return [];
  const pipeline = merged[spec.pipe] ?? spec.dflt;
  const stage = merged[spec.stage];
  const stages = spec.pipes[pipeline] ?? [];
  if (stage && !stages.includes(stage)) {
    const msg = `${stage} is not a valid stage of pipeline ${pipeline}: [${stages.join(', ')}]`;
    return [err(spec.stage, 'INVALID_OPTION', msg)];
  }
  return [];
}
