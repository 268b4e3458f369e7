// Numbers remembered against a customer once they identified themselves by code (S6): the
// next call from the number needs no code. Listed and removable from the CRM card.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { E164 } from '../domain/phone.ts';
import type { Clock } from '../ports.ts';
import { RememberedNumberEntity, type RememberedNumberRow } from './entities.ts';

export interface CustomerRef {
  type: 'companies' | 'contacts';
  id: string;
}

export class RememberedNumbers {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async find(portalId: string, phone: E164): Promise<CustomerRef | null> {
    const row = await this.ds.getRepository(RememberedNumberEntity).findOneBy({ portalId, phone });
    return row ? { type: row.objectType, id: row.objectId } : null;
  }

  /** Remembers (or re-points) a number; returns the row. */
  async remember(portalId: string, phone: E164, ref: CustomerRef): Promise<RememberedNumberRow> {
    const repo = this.ds.getRepository(RememberedNumberEntity);
    const existing = await repo.findOneBy({ portalId, phone });
    const row: RememberedNumberRow = {
      id: existing?.id ?? randomUUID(),
      portalId,
      phone,
      objectType: ref.type,
      objectId: ref.id,
      createdAt: existing?.createdAt ?? this.clock.now(),
    };
    await repo.save(row);
    return row;
  }

  list(portalId: string, ref?: CustomerRef): Promise<RememberedNumberRow[]> {
    return this.ds.getRepository(RememberedNumberEntity).find({
      where: ref ? { portalId, objectType: ref.type, objectId: ref.id } : { portalId },
      order: { createdAt: 'ASC' },
    });
  }

  async forget(portalId: string, id: string): Promise<boolean> {
    const res = await this.ds.getRepository(RememberedNumberEntity).delete({ portalId, id });
    return (res.affected ?? 0) > 0;
  }
}
