// Routing's settings as the CRM settings page sees them (cards/ports.ts RoutingSettings): the
// numbers and flows of the loaded flows file, and the per-account hours, holidays/closures and
// emergency announcement kept in routing's store — the same rows the flows read on every call,
// so what the page saves is what the next call uses.
import {
  SettingsError,
  type Holiday,
  type OpeningHours,
  type RoutingSettings as CardRoutingSettings,
  type RoutingSettingsPatch,
  type RoutingSettingsView,
} from '../cards/ports.ts';
import { WEEKDAYS, type Calendar, type WeeklyHours } from '../domain/calendar.ts';
import { toE164 } from '../domain/phone.ts';
import { calendarOf, type FlowsFile } from './flow-schema.ts';
import { RoutingInputError, type RoutingSettings } from './settings-store.ts';

/** The announcement node id the page switches (flows: `{ type: announcement, id: emergency }`). */
export const EMERGENCY_ANNOUNCEMENT = 'emergency';

export interface RoutingSettingsCardDeps {
  settings: () => RoutingSettings;
  flows: () => FlowsFile;
  defaultCountry: string;
  /** Shown when the flows file has no calendar. */
  defaultTimeZone: string;
  /** A message text was saved: synthesise it now rather than on the first call. */
  prepareSpeech?: (text: string) => void;
}

/** The page shows one office calendar: the first the flows file declares. */
function officeCalendar(file: FlowsFile): { id: string; base: Calendar } | null {
  const id = Object.keys(file.calendars)[0];
  const config = id === undefined ? undefined : file.calendars[id];
  return id !== undefined && config ? { id, base: calendarOf(config) } : null;
}

/** Whether any flow, at any depth (menu options, branches), has the emergency announcement. */
function hasEmergencyAnnouncement(file: FlowsFile): boolean {
  const walk = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(walk);
    if (typeof v !== 'object' || v === null) return false;
    const node = v as Record<string, unknown>;
    if (node.type === 'announcement' && node.id === EMERGENCY_ANNOUNCEMENT) return true;
    return Object.values(node).some(walk);
  };
  return walk(file.flows);
}

function openingHours(hours: WeeklyHours): OpeningHours[] {
  return WEEKDAYS.flatMap((day, i) =>
    (hours[day] ?? []).map(([open, close]) => ({ day: i + 1, open, close })),
  );
}

function weeklyHours(hours: readonly OpeningHours[]): WeeklyHours {
  const weekly: Record<string, [string, string][]> = {};
  for (const [i, h] of hours.entries()) {
    const day = WEEKDAYS[h.day - 1];
    if (!day) throw new SettingsError(`hours.${i}.day: ISO weekday 1–7, not ${h.day}`);
    (weekly[day] ??= []).push([h.open, h.close]);
  }
  return weekly;
}

/** Store refusals name the calendar field ("hours.mon[0]: …"): passed on as a 400. */
async function refusalsAsSettingsErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RoutingInputError) throw new SettingsError(err.message);
    throw err;
  }
}

export function routingSettingsForCards(deps: RoutingSettingsCardDeps): CardRoutingSettings {
  const calendarOrRefuse = (file: FlowsFile, what: string) => {
    const cal = officeCalendar(file);
    if (!cal) throw new SettingsError(`${what}: the flows file declares no calendar`);
    return cal;
  };

  const view = async (portalId: string): Promise<RoutingSettingsView> => {
    const file = deps.flows();
    const cal = officeCalendar(file);
    const effective = cal
      ? await deps.settings().effectiveCalendar(portalId, cal.id, cal.base)
      : null;
    const emergency = await deps.settings().announcement(portalId, EMERGENCY_ANNOUNCEMENT);
    return {
      timeZone: effective?.timeZone ?? deps.defaultTimeZone,
      numbers: Object.entries(file.numbers).map(([dialled, flow]) => ({
        number: toE164(dialled, deps.defaultCountry) ?? dialled,
        label: dialled,
        flow,
      })),
      hours: effective ? openingHours(effective.hours) : [],
      holidays: (effective?.exceptions ?? []).map((e): Holiday => ({
        date: e.from,
        name: e.name,
        kind: e.kind,
        to: e.to,
        // File entries are edited in the flows file, not from the page.
        removable: !e.id.startsWith('file-'),
        ...(e.text ? { text: e.text } : {}),
      })),
      emergency: { enabled: emergency?.enabled ?? false, text: emergency?.text ?? '' },
    };
  };

  const apply = async (portalId: string, patch: RoutingSettingsPatch): Promise<void> => {
    const file = deps.flows();
    const store = deps.settings();
    if (patch.hours) {
      const { id, base } = calendarOrRefuse(file, 'hours');
      const hours = weeklyHours(patch.hours);
      await refusalsAsSettingsErrors(() =>
        store.setCalendar(portalId, id, base, {
          hours,
          ...(patch.timeZone ? { timeZone: patch.timeZone } : {}),
        }),
      );
    }
    if (patch.addHoliday) {
      const { id, base } = calendarOrRefuse(file, 'date');
      const h = patch.addHoliday;
      await refusalsAsSettingsErrors(() =>
        store.addException(portalId, id, base, {
          kind: h.kind ?? 'holiday',
          name: h.name,
          from: h.date,
          to: h.to ?? h.date,
          ...(h.text?.trim() ? { text: h.text.trim() } : {}),
        }),
      );
      if (h.text) deps.prepareSpeech?.(h.text);
    }
    if (patch.removeHoliday !== undefined) {
      const { id, base } = calendarOrRefuse(file, 'date');
      const day = patch.removeHoliday;
      const mine = (await store.effectiveCalendar(portalId, id, base)).exceptions.filter(
        (e) => e.from === day && !e.id.startsWith('file-'),
      );
      if (mine.length === 0) {
        const inFile = base.exceptions.some((e) => e.from === day);
        throw new SettingsError(
          inFile
            ? `date: the holiday on ${day} comes from the flows file; change it there`
            : `date: no holiday or closure starts on ${day}`,
        );
      }
      for (const e of mine) await store.removeException(portalId, id, e.id);
    }
    if (patch.emergency) {
      const { enabled, text } = patch.emergency;
      if (enabled && text.trim() === '')
        throw new SettingsError('text: an enabled announcement needs a text');
      if (!hasEmergencyAnnouncement(file))
        throw new SettingsError(
          `enabled: the flows file has no announcement '${EMERGENCY_ANNOUNCEMENT}' to switch`,
        );
      const current = await store.announcement(portalId, EMERGENCY_ANNOUNCEMENT);
      // The page sets on/off and the text. A recording set through the routing API wins over
      // the text (spoken-message.ts) — until the admin types a different text here: then the
      // recording no longer says what the page shows, and callers hear the new text instead.
      const sameText = (current?.text ?? '').trim() === text.trim();
      await store.setAnnouncement(portalId, EMERGENCY_ANNOUNCEMENT, {
        enabled,
        text,
        media: sameText ? (current?.media ?? null) : null,
      });
      if (enabled) deps.prepareSpeech?.(text);
    }
  };

  return {
    get: view,
    async update(portalId, patch) {
      await apply(portalId, patch);
      return view(portalId);
    },
  };
}
