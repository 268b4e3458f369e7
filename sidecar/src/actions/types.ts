// The API the workflow actions are written against (send SMS here; "enroll in a call campaign"
// by the campaigns feature). An action validates its inputs with a zod schema and either
// completes at once with outputs or BLOCKs under a key until `actions.complete(portalId, key, …)`.
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';

export type OutputValue = string | number;
export type Outputs = Record<string, OutputValue>;

/** hs_execution_state values we send on completion. */
export type FinalState = 'SUCCESS' | 'FAIL_CONTINUE';

export interface ActionContext<I> {
  portalId: string;
  callbackId: string;
  /** Our id of this execution (stable across HubSpot's retries of the same callbackId). */
  executionId: string;
  object: { objectType: string; objectId: string } | undefined;
  inputs: I;
  /**
   * Names the key this execution will block under before the outside work starts (e.g. before
   * the SMS is sent), so a completion that arrives before start() returns is not lost: the
   * execution then answers HubSpot with the outputs at once instead of BLOCK.
   */
  reserveKey(key: string): Promise<void>;
}

export type StartResult =
  | {
      complete: Outputs;
      state?: FinalState;
      /** Database effects committed with the execution's answer (e.g. an outbox row). */
      record?: (manager: EntityManager) => Promise<void>;
    }
  | { block: { key: string }; record?: (manager: EntityManager) => Promise<void> };

export interface ActionDefinition<S extends z.ZodType = z.ZodType> {
  /** Must match a workflowActions[].id in manifest.json (its path, blockFor and fields). */
  id: string;
  inputSchema: S;
  start(ctx: ActionContext<z.output<S>>): Promise<StartResult>;
}

export type CompleteOutcome =
  'completed' | 'completed-before-block' | 'already-completed' | 'expired' | 'unknown';

/** Thrown by start() for failures HubSpot should retry (outside service down). */
export class RetryableActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryableActionError';
  }
}
