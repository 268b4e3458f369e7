// The workflow-action mechanism: registerAction({id, inputSchema, start}) and
// complete(portalId, key, outputs). A BLOCKed execution is completed through HubSpot's
// callbacks API by an outbox row (kind action-callback, dedupe callback:<callbackId>) written
// in the same transaction that moves it blocked → completed: exactly once, and never after the
// expiry job marked it expired (HubSpot has taken the expiration path by then).
import type { DataSource, EntityManager } from 'typeorm';
import { isoDurationMs, type AppManifest, type ManifestWorkflowAction } from '../app-manifest.ts';
import { addOutboxOnce } from '../hubspot-app/outbox-rows.ts';
import { OutboxKind, type ActionCallbackOutboxPayload } from '../outbox/kinds.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { Clock, Logger } from '../ports.ts';
import { inTransaction } from '../store/transactions.ts';
import { ExecutionState, type ActionExecutionRow } from './entities.ts';
import { ForeignCallbackError, type ExecutionStore } from './execution-store.ts';
import {
  RetryableActionError,
  type ActionDefinition,
  type CompleteOutcome,
  type FinalState,
  type Outputs,
} from './types.ts';

/** What the HTTP layer answers HubSpot. */
export type ExecutionAnswer =
  | { status: 200; body: { outputFields: Record<string, string | number> } }
  | { status: 400 | 404 | 409 | 503; body: { message: string } };

export interface ExecutionRequest {
  actionId: string;
  portalId: string;
  callbackId: string;
  object: { objectType: string; objectId: string } | undefined;
  inputFields: unknown;
}

export class WorkflowActions {
  private readonly defs = new Map<
    string,
    { def: ActionDefinition; manifest: ManifestWorkflowAction }
  >();
  private readonly listeners = new Set<
    (portalId: string, key: string, outcome: CompleteOutcome) => void
  >();

  constructor(
    private readonly ds: DataSource,
    private readonly store: ExecutionStore,
    private readonly outbox: OutboxStore,
    private readonly manifest: AppManifest,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly onOutbox: () => void = () => undefined,
  ) {}

  registerAction<D extends ActionDefinition>(def: D): void {
    const manifest = this.manifest.workflowActions.find((a) => a.id === def.id);
    if (!manifest) throw new Error(`workflow action ${def.id} is not declared in manifest.json`);
    if (this.defs.has(def.id)) throw new Error(`workflow action ${def.id} registered twice`);
    this.defs.set(def.id, { def, manifest });
  }

  /** Registered actions with their manifest entries (the router mounts one route per action). */
  registered(): ManifestWorkflowAction[] {
    return [...this.defs.values()].map((d) => d.manifest);
  }

  onCompleted(
    listener: (portalId: string, key: string, outcome: CompleteOutcome) => void,
  ): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Handles one execution request from HubSpot (signature already verified). */
  async execute(req: ExecutionRequest): Promise<ExecutionAnswer> {
    const entry = this.defs.get(req.actionId);
    if (!entry) return { status: 404, body: { message: `no workflow action ${req.actionId}` } };
    const inputs = entry.def.inputSchema.safeParse(req.inputFields);
    if (!inputs.success) {
      return {
        status: 400,
        body: {
          message: `invalid inputFields: ${inputs.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        },
      };
    }
    let begun;
    try {
      begun = await this.store.begin(req);
    } catch (err) {
      if (err instanceof ForeignCallbackError)
        return { status: 409, body: { message: err.message } };
      throw err;
    }
    const { row, fresh } = begun;
    if (!fresh) return this.replay(row);

    let result;
    try {
      result = await entry.def.start({
        portalId: req.portalId,
        callbackId: req.callbackId,
        executionId: row.id,
        object: req.object,
        inputs: inputs.data,
        reserveKey: (key) => this.store.reserveKey(row.id, key),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof RetryableActionError) {
        // Forget it: HubSpot retries the request (5xx) and start() runs again.
        await this.store.remove(row.id);
        this.log.warn(
          { actionId: req.actionId, portalId: req.portalId, error: message },
          'workflow action deferred',
        );
        return { status: 503, body: { message } };
      }
      const body = {
        outputFields: { hs_execution_state: 'FAIL_CONTINUE', errorMessage: message.slice(0, 500) },
      };
      await inTransaction(this.ds, (m) =>
        this.store.settle(m, row.id, {
          state: ExecutionState.Failed,
          response: JSON.stringify(body),
        }),
      );
      this.log.warn(
        { actionId: req.actionId, portalId: req.portalId, error: message },
        'workflow action failed',
      );
      return { status: 200, body };
    }

    if ('complete' in result) {
      const body = {
        outputFields: { ...result.complete, hs_execution_state: result.state ?? 'SUCCESS' },
      };
      await inTransaction(this.ds, async (m) => {
        await result.record?.(m);
        await this.store.settle(m, row.id, {
          state: ExecutionState.Completed,
          response: JSON.stringify(body),
          outputs: JSON.stringify(body.outputFields),
        });
      });
      return { status: 200, body };
    }

    const blockFor = entry.manifest.blockFor;
    if (!blockFor)
      throw new Error(
        `workflow action ${req.actionId} blocked but manifest.json gives it no blockFor`,
      );
    const body = {
      outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: blockFor },
    };
    const blocked = await inTransaction(this.ds, async (m) => {
      await result.record?.(m);
      return this.store.settle(m, row.id, {
        state: ExecutionState.Blocked,
        response: JSON.stringify(body),
        blockKey: result.block.key,
        expiresAt: this.clock.now() + isoDurationMs(blockFor),
      });
    });
    if (blocked) return { status: 200, body };
    // The completion came while start() ran (reserveKey): answer with the outputs now.
    const done = await this.store.byId(row.id);
    return this.replay(done ?? row);
  }

  /**
   * Completes a BLOCKed execution: exactly once, never after it expired. Safe to call from any
   * process and as often as an outside event repeats (Twilio status callbacks, call results).
   */
  async complete(
    portalId: string,
    key: string,
    outputs: Outputs,
    state: FinalState = 'SUCCESS',
  ): Promise<CompleteOutcome> {
    const done = await inTransaction(this.ds, (m) =>
      this.completeWithin(m, portalId, key, outputs, state),
    );
    done.announce();
    return done.outcome;
  }

  /**
   * complete() inside the caller's transaction, so the completion commits with the fact that
   * caused it (a campaign attempt's result). Call `announce()` once the transaction committed.
   */
  async completeWithin(
    m: EntityManager,
    portalId: string,
    key: string,
    outputs: Outputs,
    state: FinalState = 'SUCCESS',
  ): Promise<{ outcome: CompleteOutcome; announce: () => void }> {
    const outputFields = { ...outputs, hs_execution_state: state };
    const outcome = await this.settleCompletion(m, portalId, key, outputFields);
    return {
      outcome,
      announce: () => {
        if (outcome === 'completed') this.onOutbox();
        if (outcome === 'expired' || outcome === 'unknown')
          this.log.warn({ portalId, key, outcome }, 'workflow action completion ignored');
        for (const l of this.listeners) l(portalId, key, outcome);
      },
    };
  }

  private async settleCompletion(
    m: EntityManager,
    portalId: string,
    key: string,
    outputFields: Record<string, string | number>,
  ): Promise<CompleteOutcome> {
    const row = await this.store.byKey(portalId, key, m);
    if (!row) return 'unknown';
    if (row.state === ExecutionState.Starting) {
      const won = await this.store.completeFrom(
        m,
        row,
        ExecutionState.Starting,
        JSON.stringify(outputFields),
      );
      return won ? 'completed-before-block' : 'already-completed';
    }
    if (row.state === ExecutionState.Expired) return 'expired';
    if (row.state !== ExecutionState.Blocked) return 'already-completed';
    if (
      !(await this.store.completeFrom(m, row, ExecutionState.Blocked, JSON.stringify(outputFields)))
    ) {
      return (row.expiresAt ?? Infinity) <= this.clock.now() ? 'expired' : 'already-completed';
    }
    const payload: ActionCallbackOutboxPayload = { callbackId: row.callbackId, outputFields };
    await addOutboxOnce(this.outbox, m, {
      portalId,
      kind: OutboxKind.ActionCallback,
      dedupeKey: `callback:${row.callbackId}`,
      payload,
    });
    return 'completed';
  }

  /** The expiry job. */
  async expireDue(): Promise<number> {
    const n = await this.store.expireDue();
    if (n > 0) this.log.info({ expired: n }, 'blocked workflow actions expired');
    return n;
  }

  private replay(row: ActionExecutionRow): ExecutionAnswer {
    if (row.state === ExecutionState.Starting)
      return { status: 503, body: { message: 'execution still starting; retry' } };
    if (
      row.state === ExecutionState.Completed &&
      row.outputs &&
      (!row.response || row.response.includes('"BLOCK"'))
    ) {
      // Completed before HubSpot heard BLOCK (or on a retried request after completion).
      return {
        status: 200,
        body: { outputFields: JSON.parse(row.outputs) as Record<string, string | number> },
      };
    }
    return {
      status: 200,
      body: JSON.parse(row.response ?? '{}') as { outputFields: Record<string, string | number> },
    };
  }
}
