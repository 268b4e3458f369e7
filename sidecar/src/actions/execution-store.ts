// Workflow-action executions in the database. Every state change is a conditional UPDATE
// (from the state it expects), so two processes, a retried HubSpot request, a late completion
// and the expiry job can never both win: the callback is completed exactly once, and never
// after the execution expired.
import { randomUUID } from 'node:crypto';
import { LessThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import type { Clock } from '../ports.ts';
import { ActionExecutionEntity, ExecutionState, type ActionExecutionRow } from './entities.ts';

export class ForeignCallbackError extends Error {
  constructor() {
    super('callbackId belongs to another account');
    this.name = 'ForeignCallbackError';
  }
}

export class ExecutionStore {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Inserts a new execution; returns the existing row when HubSpot retried the same callbackId. */
  async begin(p: {
    portalId: string;
    actionId: string;
    callbackId: string;
    object: { objectType: string; objectId: string } | undefined;
  }): Promise<{ row: ActionExecutionRow; fresh: boolean }> {
    const repo = this.ds.getRepository(ActionExecutionEntity);
    const row: ActionExecutionRow = {
      id: randomUUID(),
      portalId: p.portalId,
      actionId: p.actionId,
      callbackId: p.callbackId,
      blockKey: null,
      state: ExecutionState.Starting,
      objectType: p.object?.objectType ?? null,
      objectId: p.object?.objectId ?? null,
      response: null,
      outputs: null,
      expiresAt: null,
      createdAt: this.clock.now(),
      completedAt: null,
    };
    await repo
      .createQueryBuilder()
      .insert()
      .into(ActionExecutionEntity)
      .values(row)
      .orIgnore()
      .execute();
    const stored = await repo.findOneOrFail({ where: { callbackId: p.callbackId } });
    // Another portal cannot reuse a callbackId to read this execution.
    if (stored.portalId !== p.portalId) throw new ForeignCallbackError();
    return { row: stored, fresh: stored.id === row.id };
  }

  async reserveKey(id: string, key: string): Promise<void> {
    await this.ds
      .getRepository(ActionExecutionEntity)
      .update({ id, state: ExecutionState.Starting }, { blockKey: key });
  }

  byId(id: string): Promise<ActionExecutionRow | null> {
    return this.ds.getRepository(ActionExecutionEntity).findOne({ where: { id } });
  }

  byKey(
    portalId: string,
    key: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<ActionExecutionRow | null> {
    return manager
      .getRepository(ActionExecutionEntity)
      .findOne({ where: { portalId, blockKey: key } });
  }

  /** starting → `to`; false when someone else moved it first. */
  async settle(
    manager: EntityManager,
    id: string,
    to: {
      state: ExecutionState;
      response: string;
      blockKey?: string;
      outputs?: string;
      expiresAt?: number;
    },
  ): Promise<boolean> {
    const res = await manager.getRepository(ActionExecutionEntity).update(
      { id, state: ExecutionState.Starting },
      {
        state: to.state,
        response: to.response,
        ...(to.blockKey !== undefined ? { blockKey: to.blockKey } : {}),
        ...(to.outputs !== undefined ? { outputs: to.outputs, completedAt: this.clock.now() } : {}),
        ...(to.expiresAt !== undefined ? { expiresAt: to.expiresAt } : {}),
      },
    );
    return (res.affected ?? 0) === 1;
  }

  /** `from` → completed with outputs, only if still in `from` (and, when blocked, not expired). */
  async completeFrom(
    manager: EntityManager,
    row: ActionExecutionRow,
    from: ExecutionState,
    outputs: string,
  ): Promise<boolean> {
    const res = await manager
      .getRepository(ActionExecutionEntity)
      .createQueryBuilder()
      .update()
      .set({ state: ExecutionState.Completed, outputs, completedAt: this.clock.now() })
      .where({ id: row.id, state: from })
      .andWhere('(expires_at IS NULL OR expires_at > :now)', { now: this.clock.now() })
      .execute();
    return (res.affected ?? 0) === 1;
  }

  async remove(id: string): Promise<void> {
    await this.ds
      .getRepository(ActionExecutionEntity)
      .delete({ id, state: ExecutionState.Starting });
  }

  /** The expiry job: blocked executions past their hs_expiration_duration become expired. */
  async expireDue(): Promise<number> {
    const res = await this.ds
      .getRepository(ActionExecutionEntity)
      .update(
        { state: ExecutionState.Blocked, expiresAt: LessThanOrEqual(this.clock.now()) },
        { state: ExecutionState.Expired },
      );
    return res.affected ?? 0;
  }
}
