// Calling windows in the recipient's local time. Pure: given an instant, the zone and the
// campaign's windows and holidays, says whether a call may start now and until when, or when
// the next window opens. Nothing is ever dialled unless `open` is true at the dialling instant.
import { DateTime } from 'luxon';
import type { CampaignDefinition } from './definition.ts';

export type WindowState =
  { open: true; closesAt: number } | { open: false; opensAt: number | null };

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function at(date: DateTime, hhmm: string): DateTime {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h === 24 ? date.plus({ days: 1 }).startOf('day') : date.set({ hour: h, minute: m });
}

export function windowAt(
  now: number,
  zone: string,
  def: Pick<CampaignDefinition, 'windows' | 'holidays'>,
): WindowState {
  const local = DateTime.fromMillis(now, { zone });
  const holidays = new Set(def.holidays);
  // Two weeks ahead is enough for any weekly pattern with holidays in between.
  for (let d = 0; d < 15; d++) {
    const date = local.plus({ days: d }).startOf('day');
    if (holidays.has(date.toISODate() ?? '')) continue;
    const spans = def.windows[DAYS[date.weekday - 1]!];
    for (const span of [...spans].sort((a, b) => a.from.localeCompare(b.from))) {
      const from = at(date, span.from).toMillis();
      const to = at(date, span.to).toMillis();
      if (now >= to) continue;
      if (now >= from) return { open: true, closesAt: to };
      return { open: false, opensAt: from };
    }
  }
  return { open: false, opensAt: null };
}
