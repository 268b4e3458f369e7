// Opening hours, holidays and closure periods of an office, and whether it is open at an
// instant. Pure: the caller passes the instant (from the Clock) and the calendar.
import { DateTime } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "HH:MM" pairs, start inclusive, end exclusive; "24:00" allowed as an end. */
export type TimeRange = readonly [string, string];
export type WeeklyHours = Partial<Record<Weekday, readonly TimeRange[]>>;

export interface CalendarException {
  id: string;
  kind: 'holiday' | 'closure';
  name: string;
  /** First day, YYYY-MM-DD, in the calendar's time zone. */
  from: string;
  /** Last day (inclusive), YYYY-MM-DD. */
  to: string;
  /** What the caller hears (sound:…, recording:…); optional. */
  media?: string | undefined;
  /** A message text, spoken by text-to-speech when there is no `media`; optional. */
  text?: string | undefined;
}

export interface Calendar {
  timeZone: string;
  hours: WeeklyHours;
  exceptions: readonly CalendarException[];
}

export type CalendarState =
  | { kind: 'open' }
  | { kind: 'closed' }
  | { kind: 'holiday' | 'closure'; exception: CalendarException };

export function minutesOf(hhmm: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v > 24 * 60 ? null : v;
}

export function isValidDate(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && DateTime.fromISO(day).isValid;
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}

export function calendarStateAt(cal: Calendar, instantMs: number): CalendarState {
  const local = DateTime.fromMillis(instantMs, { zone: cal.timeZone });
  const day = local.toISODate() ?? '';
  // A closure period wins over a single holiday when both cover the day (admins add closures
  // with their own message on top of the yearly holidays).
  const covering = cal.exceptions.filter((e) => e.from <= day && day <= e.to);
  const exception = covering.find((e) => e.kind === 'closure') ?? covering[0];
  if (exception) return { kind: exception.kind, exception };
  const weekday = WEEKDAYS[local.weekday - 1]!;
  const minute = local.hour * 60 + local.minute;
  const open = (cal.hours[weekday] ?? []).some(([from, to]) => {
    const a = minutesOf(from);
    const b = minutesOf(to);
    return a !== null && b !== null && a <= minute && minute < b;
  });
  return { kind: open ? 'open' : 'closed' };
}

/** Problems in a calendar (bad hours, overlapping ranges or exceptions), with their place. */
export function calendarProblems(cal: Calendar): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (!isValidTimeZone(cal.timeZone))
    problems.push({ path: 'timeZone', message: `unknown time zone '${cal.timeZone}'` });
  for (const day of WEEKDAYS) {
    const ranges = (cal.hours[day] ?? []).map(([from, to], i) => ({
      i,
      a: minutesOf(from),
      b: minutesOf(to),
      text: `${from}-${to}`,
    }));
    for (const r of ranges) {
      if (r.a === null || r.b === null || r.a >= r.b)
        problems.push({
          path: `hours.${day}[${r.i}]`,
          message: `bad time range '${r.text}' (HH:MM-HH:MM, start before end)`,
        });
    }
    const sorted = ranges.filter((r) => r.a !== null && r.b !== null).sort((x, y) => x.a! - y.a!);
    for (let k = 1; k < sorted.length; k++) {
      if (sorted[k]!.a! < sorted[k - 1]!.b!)
        problems.push({
          path: `hours.${day}[${sorted[k]!.i}]`,
          message: `time range ${sorted[k]!.text} overlaps ${sorted[k - 1]!.text}`,
        });
    }
  }
  cal.exceptions.forEach((e, i) => {
    if (!isValidDate(e.from) || !isValidDate(e.to) || e.from > e.to)
      problems.push({
        path: `exceptions[${i}]`,
        message: `'${e.name}': bad dates ${e.from}..${e.to} (YYYY-MM-DD, from ≤ to)`,
      });
  });
  // Two holidays (or two closures) on the same day would leave it unclear which message plays.
  for (let i = 0; i < cal.exceptions.length; i++) {
    for (let j = i + 1; j < cal.exceptions.length; j++) {
      const x = cal.exceptions[i]!;
      const y = cal.exceptions[j]!;
      if (x.kind === y.kind && x.from <= y.to && y.from <= x.to)
        problems.push({
          path: `exceptions[${j}]`,
          message: `${y.kind} '${y.name}' (${y.from}..${y.to}) overlaps '${x.name}' (${x.from}..${x.to})`,
        });
    }
  }
  return problems;
}
