// Routing's data as the CRM cards see it (cards/ports.ts): remembered numbers per record.
import type { RememberedNumbers as CardRememberedNumbers } from '../cards/ports.ts';
import type { CustomerRef, RememberedNumbers } from './remembered-numbers.ts';

/** Numbers are remembered against contacts and companies only; other records have none. */
export function rememberedNumbersForCards(
  remembered: () => RememberedNumbers,
): CardRememberedNumbers {
  const customer = (objectType: string, id: string): CustomerRef | null =>
    objectType === 'contacts' || objectType === 'companies' ? { type: objectType, id } : null;
  return {
    async list(portalId, record) {
      const ref = customer(record.objectType, record.id);
      if (!ref) return [];
      const rows = await remembered().list(portalId, ref);
      return rows.map((r) => ({
        number: r.phone,
        rememberedAt: r.createdAt,
        source: 'customer-code',
      }));
    },
    async remove(portalId, record, number) {
      const ref = customer(record.objectType, record.id);
      if (!ref) return false;
      const row = (await remembered().list(portalId, ref)).find((r) => r.phone === number);
      return row ? remembered().forget(portalId, row.id) : false;
    },
  };
}
