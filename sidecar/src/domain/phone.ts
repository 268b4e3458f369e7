// Phone numbers as the CRM and the PBX see them. Everything is compared in E.164; the
// variants are the spellings a person may have typed into a CRM phone field.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type E164 = string & { readonly __brand: 'E164' };

/** Normalises what a trunk or a person wrote to E.164, or undefined when it is not a number. */
export function toE164(raw: string | undefined | null, defaultCountry: string): E164 | undefined {
  if (!raw) return undefined;
  let cleaned = raw.trim().replace(/[^\d+]/g, '');
  // Carriers often send international numbers with the 00 prefix instead of +.
  if (cleaned.startsWith('00')) cleaned = `+${cleaned.slice(2)}`;
  if (cleaned.length < 3) return undefined;
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry as CountryCode);
  if (!parsed?.isPossible()) return undefined;
  return parsed.number as E164;
}

/**
 * The spellings of one number that may be stored in a CRM phone property, for an exact-match
 * (IN) search: E.164, international and national formats, with and without spaces.
 */
export function storedSpellings(number: E164): string[] {
  const parsed = parsePhoneNumberFromString(number);
  if (!parsed) return [number];
  const national = parsed.formatNational();
  const international = parsed.formatInternational();
  const variants = [
    number,
    international,
    international.replace(/\s/g, ''),
    national,
    national.replace(/[\s()-]/g, ''),
    `00${number.slice(1)}`,
    number.slice(1),
  ];
  return [...new Set(variants)];
}
