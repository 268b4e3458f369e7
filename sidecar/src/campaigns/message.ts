// Turns the message definition and one row's variables into the ARI media list to play, e.g.
// sound:invite, number:1250, sound:euros. Pure; values were validated at import.
import type { MessagePart } from './definition.ts';

/** Parses a row's amount (spoken as units, "dot", cents) ('1250', '1.250,50', '1250.50') into integer and cents. */
export function parseAmount(raw: string): { units: number; cents: number } | null {
  const s = raw.trim().replace(/\s|€|\$|£/g, '');
  const m = /^(\d{1,3}(?:[.,']\d{3})*|\d+)(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const units = Number(m[1]!.replace(/[.,']/g, ''));
  const cents = m[2] ? Number(m[2].padEnd(2, '0')) : 0;
  return Number.isSafeInteger(units) ? { units, cents } : null;
}

/** ISO date (YYYY-MM-DD) → its parts, or null. */
export function parseIsoDate(raw: string): { y: number; m: number; d: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? { y, m: mo, d } : null;
}

/** Why a row value cannot be spoken as this part, or null when it can. */
export function invalidValue(part: MessagePart, raw: string | undefined): string | null {
  if (part.type === 'media') return null;
  const v = raw?.trim() ?? '';
  if (v === '') return `missing ${part.variable}`;
  switch (part.type) {
    case 'number':
      return /^\d{1,12}$/.test(v) ? null : `${part.variable} is not a whole number: ${v}`;
    case 'digits':
      return /^[0-9*#]{1,32}$/.test(v) ? null : `${part.variable} is not digits: ${v}`;
    case 'amount':
      return parseAmount(v) ? null : `${part.variable} is not an amount: ${v}`;
    case 'date':
      return parseIsoDate(v) ? null : `${part.variable} is not a date (YYYY-MM-DD): ${v}`;
  }
}

export function mediaFor(parts: readonly MessagePart[], vars: Record<string, string>): string[] {
  const out: string[] = [];
  for (const part of parts) {
    if (part.type === 'media') {
      out.push(part.media);
      continue;
    }
    const v = (vars[part.variable] ?? '').trim();
    switch (part.type) {
      case 'number':
        out.push(`number:${Number(v)}`);
        break;
      case 'digits':
        out.push(`digits:${v}`);
        break;
      case 'amount': {
        const a = parseAmount(v);
        if (!a) break;
        out.push(`number:${a.units}`);
        if (a.cents > 0) out.push('sound:letters/dot', `number:${a.cents}`);
        break;
      }
      case 'date': {
        const d = parseIsoDate(v);
        if (!d) break;
        // Asterisk's own date prompts: day number, month name, year.
        out.push(`number:${d.d}`, `sound:digits/mon-${d.m - 1}`, `number:${d.y}`);
        break;
      }
    }
    if (part.unit) out.push(part.unit);
  }
  return out;
}
