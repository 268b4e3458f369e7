// The local mirror of HubSpot tickets (subject, status = pipeline stage, owner) that the ticket
// card reads without a CRM round trip. Each field remembers the occurredAt of the event that set
// it, so a late, older event never overwrites a newer value.
import type { DataSource, EntityManager } from 'typeorm';
import { TicketMirrorEntity, type TicketMirrorRow } from './entities.ts';

export interface TicketFields {
  subject?: string | null;
  status?: string | null;
  ownerId?: string | null;
}

export class TicketMirror {
  constructor(private readonly ds: DataSource) {}

  async get(portalId: string, ticketId: string): Promise<TicketMirrorRow | null> {
    return this.ds.getRepository(TicketMirrorEntity).findOne({ where: { portalId, ticketId } });
  }

  async list(portalId: string, limit = 100): Promise<TicketMirrorRow[]> {
    return this.ds
      .getRepository(TicketMirrorEntity)
      .find({ where: { portalId, deleted: false }, order: { updatedAt: 'DESC' }, take: limit });
  }

  /** Applies fields observed at `at` (an event's occurredAt); older values lose. */
  async apply(
    manager: EntityManager,
    portalId: string,
    ticketId: string,
    fields: TicketFields,
    at: number,
  ): Promise<void> {
    const repo = manager.getRepository(TicketMirrorEntity);
    const row: TicketMirrorRow = (await repo.findOne({ where: { portalId, ticketId } })) ?? {
      portalId,
      ticketId,
      subject: null,
      status: null,
      ownerId: null,
      subjectAt: 0,
      statusAt: 0,
      ownerAt: 0,
      deleted: false,
      updatedAt: at,
    };
    if (fields.subject !== undefined && at >= row.subjectAt)
      [row.subject, row.subjectAt] = [fields.subject, at];
    if (fields.status !== undefined && at >= row.statusAt)
      [row.status, row.statusAt] = [fields.status, at];
    if (fields.ownerId !== undefined && at >= row.ownerAt)
      [row.ownerId, row.ownerAt] = [fields.ownerId, at];
    row.updatedAt = Math.max(row.updatedAt, at);
    await repo.save(row);
  }

  async markDeleted(
    manager: EntityManager,
    portalId: string,
    ticketId: string,
    at: number,
  ): Promise<void> {
    await manager
      .getRepository(TicketMirrorEntity)
      .update({ portalId, ticketId }, { deleted: true, updatedAt: at });
  }
}
