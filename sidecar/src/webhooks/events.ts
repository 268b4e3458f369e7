// HubSpot webhook events as they arrive (a JSON array), validated. Both the legacy subscription
// types (`contact.creation`) and the 2025.2 generic ones (`object.creation` + objectTypeId
// `0-1`) are understood; both are normalised to an object type and a change kind.
import { z } from 'zod';

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

export const webhookEventSchema = z
  .object({
    eventId: id,
    subscriptionId: id.optional(),
    portalId: id,
    appId: id.optional(),
    occurredAt: z.number().int().positive(),
    subscriptionType: z.string().min(1).max(64),
    attemptNumber: z.number().int().nonnegative().optional(),
    objectId: id.optional(),
    objectTypeId: z.string().optional(),
    changeSource: z.string().optional(),
    changeFlag: z.string().optional(),
    sourceId: z.string().optional(),
    propertyName: z.string().optional(),
    propertyValue: z.string().nullable().optional(),
  })
  .loose();

export type WebhookEvent = z.output<typeof webhookEventSchema>;

export type ObjectType = 'contacts' | 'companies' | 'deals' | 'tickets' | 'other';
export type ChangeKind = 'creation' | 'deletion' | 'propertyChange' | 'other';

const LEGACY_TYPES: Record<string, ObjectType> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  ticket: 'tickets',
};
const TYPE_IDS: Record<string, ObjectType> = {
  '0-1': 'contacts',
  '0-2': 'companies',
  '0-3': 'deals',
  '0-5': 'tickets',
};

export function classify(e: WebhookEvent): { objectType: ObjectType; change: ChangeKind } {
  const [prefix = '', action = ''] = e.subscriptionType.split('.');
  const objectType =
    (prefix === 'object' ? TYPE_IDS[e.objectTypeId ?? ''] : LEGACY_TYPES[prefix]) ?? 'other';
  const change: ChangeKind =
    action === 'creation' || action === 'deletion' || action === 'propertyChange'
      ? action
      : 'other';
  return { objectType, change };
}

export function objectKeyOf(e: WebhookEvent): string {
  return `${classify(e).objectType}:${e.objectId ?? '-'}`;
}
