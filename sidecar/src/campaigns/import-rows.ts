// Validates imported rows against a campaign: a phone number that parses, every variable the
// message speaks, no number twice. Every bad row is reported with its reason; none is dropped
// silently. Pure.
import { toE164, type E164 } from '../domain/phone.ts';
import type { CampaignDefinition } from './definition.ts';
import { invalidValue } from './message.ts';
import type { SheetRow } from './sheet.ts';
import { isValidZone } from './time-zones.ts';

export interface GoodRow {
  row: number;
  phone: E164;
  contactId: string | null;
  variables: SheetRow;
}
export interface BadRow {
  row: number;
  reason: string;
}

/** Columns that name the phone number and (optionally) the CRM contact. */
const PHONE_COLUMNS = ['phone', 'phone_number', 'number', 'mobile', 'mobilephone', 'telefono'];

export function validateRows(
  rows: readonly SheetRow[],
  def: CampaignDefinition,
  defaultCountry: string,
  /** Numbers already in the campaign (a second import must not add them again). */
  existing: ReadonlySet<string> = new Set(),
  /** 1-based number of the first data row as the user sees it (header = row 1). */
  firstRow = 2,
): { good: GoodRow[]; bad: BadRow[] } {
  const good: GoodRow[] = [];
  const bad: BadRow[] = [];
  const seen = new Map<string, number>();
  rows.forEach((cells, i) => {
    const row = firstRow + i;
    const phoneColumn = PHONE_COLUMNS.find((c) => cells[c]?.trim());
    const raw = phoneColumn ? cells[phoneColumn] : undefined;
    if (!raw) return bad.push({ row, reason: 'missing phone number' });
    const phone = toE164(raw, defaultCountry);
    if (!phone) return bad.push({ row, reason: `invalid phone number: ${raw}` });
    const earlier = seen.get(phone);
    if (earlier !== undefined)
      return bad.push({ row, reason: `duplicate of row ${earlier} (${phone})` });
    if (existing.has(phone)) return bad.push({ row, reason: `already in the campaign (${phone})` });
    for (const part of def.message) {
      const why = invalidValue(part, cells[part.type === 'media' ? '' : part.variable]);
      if (why) return bad.push({ row, reason: why });
    }
    const zone = def.timeZoneVariable ? cells[def.timeZoneVariable] : undefined;
    if (zone && !isValidZone(zone)) return bad.push({ row, reason: `unknown time zone: ${zone}` });
    seen.set(phone, row);
    good.push({ row, phone, contactId: cells.contact_id || null, variables: { ...cells } });
  });
  return { good, bad };
}
