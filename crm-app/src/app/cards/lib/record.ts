// Which CRM record a card is on, from the extension context.
import type { ObjectType, RecordRef } from './types';

const BY_TYPE_ID: Record<string, ObjectType> = {
  '0-1': 'contacts',
  '0-2': 'companies',
  '0-3': 'deals',
  '0-5': 'tickets',
};

export function recordOf(crm: {
  objectId: number | string;
  objectTypeId: string;
}): RecordRef | null {
  const objectType = BY_TYPE_ID[crm.objectTypeId];
  return objectType ? { objectType, objectId: String(crm.objectId) } : null;
}

export function formatWhen(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
