// One row per workflow-action execution HubSpot asked for (keyed by its callbackId), holding
// what we answered and, for BLOCKed executions, the key that completes it later.
import { EntitySchema } from 'typeorm';
import { epochMs } from '../store/columns.ts';

export const ExecutionState = {
  /** Received; start() is running (a crash here leaves it for HubSpot's retry to find). */
  Starting: 'starting',
  Completed: 'completed',
  Blocked: 'blocked',
  Expired: 'expired',
  Failed: 'failed',
} as const;
export type ExecutionState = (typeof ExecutionState)[keyof typeof ExecutionState];

export interface ActionExecutionRow {
  id: string;
  portalId: string;
  actionId: string;
  callbackId: string;
  /** Set while blocked: what `actions.complete(portalId, key, …)` names. Unique per portal. */
  blockKey: string | null;
  state: ExecutionState;
  objectType: string | null;
  objectId: string | null;
  /** JSON of the answer given to HubSpot's request (replayed to a retried request). */
  response: string | null;
  /** JSON of the outputs sent through the callbacks API. */
  outputs: string | null;
  expiresAt: number | null;
  createdAt: number;
  completedAt: number | null;
}

export const ActionExecutionEntity = new EntitySchema<ActionExecutionRow>({
  name: 'ActionExecution',
  tableName: 'action_executions',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    actionId: { name: 'action_id', type: 'varchar', length: 64 },
    callbackId: { name: 'callback_id', type: 'varchar', length: 128, unique: true },
    blockKey: { name: 'block_key', type: 'varchar', length: 160, nullable: true },
    state: { type: 'varchar', length: 16 },
    objectType: { name: 'object_type', type: 'varchar', length: 32, nullable: true },
    objectId: { name: 'object_id', type: 'varchar', length: 32, nullable: true },
    response: { type: 'text', nullable: true },
    outputs: { type: 'text', nullable: true },
    expiresAt: { name: 'expires_at', type: 'bigint', nullable: true, transformer: epochMs },
    createdAt: { name: 'created_at', type: 'bigint', transformer: epochMs },
    completedAt: { name: 'completed_at', type: 'bigint', nullable: true, transformer: epochMs },
  },
});
