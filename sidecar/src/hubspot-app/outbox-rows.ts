// Adds an outbox row unless one with the same dedupe key exists, inside the caller's
// transaction (the outbox's unique key would otherwise abort the whole transaction).
import type { EntityManager } from 'typeorm';
import type { NewOutboxItem, OutboxStore } from '../outbox/outbox-store.ts';
import { OutboxEntity } from '../store/entities.ts';

export async function addOutboxOnce(
  outbox: OutboxStore,
  manager: EntityManager,
  item: NewOutboxItem,
): Promise<boolean> {
  if (
    (await manager.getRepository(OutboxEntity).count({ where: { dedupeKey: item.dedupeKey } })) > 0
  )
    return false;
  await outbox.add(manager, item);
  return true;
}
