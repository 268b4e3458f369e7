// The recipient's time zone, from the number's country. Countries spanning several zones get
// their most populous one; a per-row or CRM time-zone value (timeZoneVariable) overrides it.
import { parsePhoneNumberFromString } from 'libphonenumber-js';

const ZONE_BY_COUNTRY: Record<string, string> = {
  IT: 'Europe/Rome',
  SM: 'Europe/Rome',
  VA: 'Europe/Rome',
  CH: 'Europe/Zurich',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  AT: 'Europe/Vienna',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  LU: 'Europe/Luxembourg',
  DK: 'Europe/Copenhagen',
  SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo',
  FI: 'Europe/Helsinki',
  PL: 'Europe/Warsaw',
  CZ: 'Europe/Prague',
  SK: 'Europe/Bratislava',
  HU: 'Europe/Budapest',
  SI: 'Europe/Ljubljana',
  HR: 'Europe/Zagreb',
  RO: 'Europe/Bucharest',
  BG: 'Europe/Sofia',
  GR: 'Europe/Athens',
  TR: 'Europe/Istanbul',
  UA: 'Europe/Kyiv',
  RU: 'Europe/Moscow',
  BY: 'Europe/Minsk',
  MT: 'Europe/Malta',
  US: 'America/New_York',
  CA: 'America/Toronto',
  MX: 'America/Mexico_City',
  BR: 'America/Sao_Paulo',
  AR: 'America/Argentina/Buenos_Aires',
  CL: 'America/Santiago',
  CO: 'America/Bogota',
  PE: 'America/Lima',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
  JP: 'Asia/Tokyo',
  CN: 'Asia/Shanghai',
  IN: 'Asia/Kolkata',
  SG: 'Asia/Singapore',
  AE: 'Asia/Dubai',
  IL: 'Asia/Jerusalem',
  ZA: 'Africa/Johannesburg',
  EG: 'Africa/Cairo',
  MA: 'Africa/Casablanca',
  TN: 'Africa/Tunis',
  AL: 'Europe/Tirane',
  RS: 'Europe/Belgrade',
};

export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** IANA zone for an E.164 number; `override` (a valid zone) wins; `fallback` when unknown. */
export function zoneForNumber(e164: string, fallback: string, override?: string | null): string {
  if (override && isValidZone(override)) return override;
  const country = parsePhoneNumberFromString(e164)?.country;
  return (country && ZONE_BY_COUNTRY[country]) ?? fallback;
}
