// E.164 checks and the ISO country Twilio reports as FromCountry/ToCountry.

const E164 = /^\+[1-9]\d{1,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

const COUNTRY_BY_PREFIX: ReadonlyArray<readonly [string, string]> = [
  ['+351', 'PT'],
  ['+353', 'IE'],
  ['+1', 'US'],
  ['+31', 'NL'],
  ['+32', 'BE'],
  ['+33', 'FR'],
  ['+34', 'ES'],
  ['+39', 'IT'],
  ['+41', 'CH'],
  ['+43', 'AT'],
  ['+44', 'GB'],
  ['+49', 'DE'],
  ['+52', 'MX'],
  ['+55', 'BR'],
  ['+61', 'AU'],
  ['+81', 'JP'],
  ['+91', 'IN'],
];

/** Country for a number, or '' when unknown (Twilio sends empty strings for unknown geo data). */
export function countryOf(number: string): string {
  let best = '';
  let bestLength = 0;
  for (const [prefix, country] of COUNTRY_BY_PREFIX) {
    if (number.startsWith(prefix) && prefix.length > bestLength) {
      best = country;
      bestLength = prefix.length;
    }
  }
  return best;
}
