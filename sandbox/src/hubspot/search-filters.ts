// Search filters: strict parsing of one filter, and its evaluation against indexed values.
import { validation } from './errors.ts';
import { onlyKeys } from './objects.ts';
import type { SandboxState } from './state.ts';
import type { ObjectTypeName, Portal, PropertyDef } from './types.ts';
import { parseDatetime } from './validate.ts';

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;
type Operator = (typeof OPERATORS)[number];
type Scalar = string | number | boolean;

export interface Filter {
  def: PropertyDef;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

const isScalar = (v: unknown): v is Scalar => ['string', 'number', 'boolean'].includes(typeof v);

export function parseFilter(
  state: SandboxState,
  portal: Portal,
  type: ObjectTypeName,
  raw: unknown,
): Filter {
  const f = onlyKeys(raw, ['propertyName', 'operator', 'value', 'values', 'highValue'], 'filter');
  if (typeof f.propertyName !== 'string')
    throw validation('Invalid input JSON: filter.propertyName is required');
  const def = state.property(portal, type, f.propertyName);
  if (!def)
    throw validation(
      `There was a problem with the request: property "${f.propertyName}" does not exist on ${type}`,
    );
  const operator = f.operator;
  if (typeof operator !== 'string' || !(OPERATORS as readonly string[]).includes(operator)) {
    throw validation(
      `Invalid input JSON: Cannot deserialize value of type FilterOperator from String "${String(operator)}": not one of the values accepted: [${OPERATORS.join(', ')}]`,
    );
  }
  const op = operator as Operator;
  const out: Filter = { def, operator: op };
  const need = (key: 'value' | 'highValue'): string => {
    const v = f[key];
    if (!isScalar(v))
      throw validation(`Operator ${op} requires "${key}" on filter for ${def.name}`);
    return String(v);
  };
  if (op === 'IN' || op === 'NOT_IN') {
    if (!Array.isArray(f.values) || f.values.length === 0 || !f.values.every(isScalar)) {
      throw validation(
        `Operator ${op} requires a non-empty "values" array on filter for ${def.name}`,
      );
    }
    out.values = f.values.map(String);
  } else if (op !== 'HAS_PROPERTY' && op !== 'NOT_HAS_PROPERTY') {
    out.value = need('value');
    if (op === 'BETWEEN') out.highValue = need('highValue');
  }
  return out;
}

export function comparable(def: PropertyDef, v: string): number | string {
  if (def.type === 'number') return Number(v);
  if (def.type === 'datetime' || def.type === 'date') return parseDatetime(v) ?? Number.NaN;
  return v.toLowerCase();
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function containsToken(stored: string, token: string): boolean {
  const re = wildcard(token);
  const v = stored.toLowerCase();
  return re.test(v) || v.split(/[\s,;]+/).some((t) => re.test(t));
}

export function matches(f: Filter, view: Record<string, string>): boolean {
  const stored = view[f.def.name];
  const has = stored !== undefined && stored !== '';
  const cmp = (x: string) => comparable(f.def, x);
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'EQ':
      return has && cmp(stored) === cmp(f.value ?? '');
    case 'NEQ':
      return !has || cmp(stored) !== cmp(f.value ?? '');
    case 'LT':
      return has && cmp(stored) < cmp(f.value ?? '');
    case 'LTE':
      return has && cmp(stored) <= cmp(f.value ?? '');
    case 'GT':
      return has && cmp(stored) > cmp(f.value ?? '');
    case 'GTE':
      return has && cmp(stored) >= cmp(f.value ?? '');
    case 'BETWEEN':
      return has && cmp(stored) >= cmp(f.value ?? '') && cmp(stored) <= cmp(f.highValue ?? '');
    case 'IN':
      return has && (f.values ?? []).some((v) => cmp(v) === cmp(stored));
    case 'NOT_IN':
      return !has || !(f.values ?? []).some((v) => cmp(v) === cmp(stored));
    case 'CONTAINS_TOKEN':
      return has && containsToken(stored, f.value ?? '');
    case 'NOT_CONTAINS_TOKEN':
      return !has || !containsToken(stored, f.value ?? '');
  }
}
