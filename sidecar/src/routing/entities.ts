// Tables of the routing feature: what admins change from the CRM (calendar overrides,
// holidays/closures, announcements) and the numbers remembered against customers.
import { EntitySchema } from 'typeorm';
import { epochMs } from '../store/columns.ts';

export interface CalendarOverrideRow {
  portalId: string;
  calendarId: string;
  timeZone: string | null;
  /** JSON WeeklyHours, or null to keep the file's hours. */
  hours: string | null;
  updatedAt: number;
}

export const CalendarOverrideEntity = new EntitySchema<CalendarOverrideRow>({
  name: 'RoutingCalendar',
  tableName: 'routing_calendars',
  columns: {
    portalId: { name: 'portal_id', type: 'varchar', length: 32, primary: true },
    calendarId: { name: 'calendar_id', type: 'varchar', length: 64, primary: true },
    timeZone: { name: 'time_zone', type: 'varchar', length: 64, nullable: true },
    hours: { type: 'text', nullable: true },
    updatedAt: { name: 'updated_at', type: 'bigint', transformer: epochMs },
  },
});

export interface CalendarExceptionRow {
  id: string;
  portalId: string;
  calendarId: string;
  kind: 'holiday' | 'closure';
  name: string;
  fromDay: string;
  toDay: string;
  media: string | null;
  text: string | null;
  createdAt: number;
}

export const CalendarExceptionEntity = new EntitySchema<CalendarExceptionRow>({
  name: 'RoutingCalendarException',
  tableName: 'routing_calendar_exceptions',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    calendarId: { name: 'calendar_id', type: 'varchar', length: 64 },
    kind: { type: 'varchar', length: 16 },
    name: { type: 'varchar', length: 200 },
    fromDay: { name: 'from_day', type: 'varchar', length: 10 },
    toDay: { name: 'to_day', type: 'varchar', length: 10 },
    media: { type: 'varchar', length: 255, nullable: true },
    text: { type: 'varchar', length: 1000, nullable: true },
    createdAt: { name: 'created_at', type: 'bigint', transformer: epochMs },
  },
});

export interface AnnouncementRow {
  portalId: string;
  announcementId: string;
  enabled: boolean;
  media: string | null;
  text: string | null;
  updatedAt: number;
}

export const AnnouncementEntity = new EntitySchema<AnnouncementRow>({
  name: 'RoutingAnnouncement',
  tableName: 'routing_announcements',
  columns: {
    portalId: { name: 'portal_id', type: 'varchar', length: 32, primary: true },
    announcementId: { name: 'announcement_id', type: 'varchar', length: 64, primary: true },
    enabled: { type: 'boolean' },
    media: { type: 'varchar', length: 255, nullable: true },
    text: { type: 'varchar', length: 1000, nullable: true },
    updatedAt: { name: 'updated_at', type: 'bigint', transformer: epochMs },
  },
});

export interface RememberedNumberRow {
  id: string;
  portalId: string;
  phone: string;
  objectType: 'companies' | 'contacts';
  objectId: string;
  createdAt: number;
}

export const RememberedNumberEntity = new EntitySchema<RememberedNumberRow>({
  name: 'RememberedNumber',
  tableName: 'remembered_numbers',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    phone: { type: 'varchar', length: 32 },
    objectType: { name: 'object_type', type: 'varchar', length: 16 },
    objectId: { name: 'object_id', type: 'varchar', length: 32 },
    createdAt: { name: 'created_at', type: 'bigint', transformer: epochMs },
  },
});

export const routingEntities = [
  CalendarOverrideEntity,
  CalendarExceptionEntity,
  AnnouncementEntity,
  RememberedNumberEntity,
];
