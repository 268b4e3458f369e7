// What admins change from the CRM, per HubSpot account: calendar hours and time zone,
// holidays and closure periods, announcements on/off. Stored in our tables; merged over the
// flows file at call time, so a change applies to the next call without a reload.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  calendarProblems,
  type Calendar,
  type CalendarException,
  type WeeklyHours,
} from '../domain/calendar.ts';
import type { Clock } from '../ports.ts';
import {
  AnnouncementEntity,
  CalendarExceptionEntity,
  CalendarOverrideEntity,
  type AnnouncementRow,
} from './entities.ts';

/** Bad admin input: the message names the field. Mapped to HTTP 400. */
export class RoutingInputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'RoutingInputError';
  }
}

export interface AnnouncementState {
  enabled: boolean;
  media: string | null;
  text: string | null;
}

export interface NewException {
  kind: 'holiday' | 'closure';
  name: string;
  from: string;
  to: string;
  media?: string | undefined;
  text?: string | undefined;
}

export class RoutingSettings {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The file's calendar with this account's overrides and extra holidays/closures. */
  async effectiveCalendar(portalId: string, calendarId: string, base: Calendar): Promise<Calendar> {
    const override = await this.ds
      .getRepository(CalendarOverrideEntity)
      .findOneBy({ portalId, calendarId });
    const extra = await this.ds
      .getRepository(CalendarExceptionEntity)
      .find({ where: { portalId, calendarId }, order: { fromDay: 'ASC' } });
    return {
      timeZone: override?.timeZone ?? base.timeZone,
      hours: override?.hours ? (JSON.parse(override.hours) as WeeklyHours) : base.hours,
      exceptions: [
        ...base.exceptions,
        ...extra.map((r): CalendarException => ({
          id: r.id,
          kind: r.kind,
          name: r.name,
          from: r.fromDay,
          to: r.toDay,
          media: r.media ?? undefined,
          text: r.text ?? undefined,
        })),
      ],
    };
  }

  async setCalendar(
    portalId: string,
    calendarId: string,
    base: Calendar,
    change: { timeZone?: string | null; hours?: WeeklyHours | null },
  ): Promise<Calendar> {
    const repo = this.ds.getRepository(CalendarOverrideEntity);
    const current = await repo.findOneBy({ portalId, calendarId });
    const row = {
      portalId,
      calendarId,
      timeZone: change.timeZone === undefined ? (current?.timeZone ?? null) : change.timeZone,
      hours:
        change.hours === undefined
          ? (current?.hours ?? null)
          : change.hours === null
            ? null
            : JSON.stringify(change.hours),
      updatedAt: this.clock.now(),
    };
    const merged = await this.effectiveCalendar(portalId, calendarId, base);
    this.assertValid({
      ...merged,
      timeZone: row.timeZone ?? base.timeZone,
      hours: row.hours ? (JSON.parse(row.hours) as WeeklyHours) : base.hours,
    });
    await repo.save(row);
    return this.effectiveCalendar(portalId, calendarId, base);
  }

  async addException(
    portalId: string,
    calendarId: string,
    base: Calendar,
    input: NewException,
  ): Promise<CalendarException> {
    const merged = await this.effectiveCalendar(portalId, calendarId, base);
    const exception: CalendarException = { id: randomUUID(), ...input };
    this.assertValid({ ...merged, exceptions: [...merged.exceptions, exception] });
    await this.ds.getRepository(CalendarExceptionEntity).insert({
      id: exception.id,
      portalId,
      calendarId,
      kind: input.kind,
      name: input.name,
      fromDay: input.from,
      toDay: input.to,
      media: input.media ?? null,
      text: input.text ?? null,
      createdAt: this.clock.now(),
    });
    return exception;
  }

  /** True when the exception existed in this account. */
  async removeException(portalId: string, calendarId: string, id: string): Promise<boolean> {
    const res = await this.ds
      .getRepository(CalendarExceptionEntity)
      .delete({ portalId, calendarId, id });
    return (res.affected ?? 0) > 0;
  }

  async announcement(portalId: string, announcementId: string): Promise<AnnouncementState | null> {
    const row = await this.ds
      .getRepository(AnnouncementEntity)
      .findOneBy({ portalId, announcementId });
    return row ? { enabled: row.enabled, media: row.media, text: row.text } : null;
  }

  async setAnnouncement(
    portalId: string,
    announcementId: string,
    state: AnnouncementState,
  ): Promise<AnnouncementState> {
    const row: AnnouncementRow = {
      portalId,
      announcementId,
      enabled: state.enabled,
      media: state.media,
      text: state.text,
      updatedAt: this.clock.now(),
    };
    await this.ds.getRepository(AnnouncementEntity).save(row);
    return state;
  }

  private assertValid(cal: Calendar): void {
    const problems = calendarProblems(cal).map((p) => `${p.path}: ${p.message}`);
    if (problems.length > 0) throw new RoutingInputError(problems);
  }
}
