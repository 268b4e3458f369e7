// The reusable workflow-action mechanism (sidecar/src/actions/) on a real database, with a
// test action declared in a test manifest: complete now, block then complete exactly once under
// concurrency, completion racing start(), retryable failures, foreign callbackIds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { loadAppManifest, parseAppManifest } from '../../sidecar/src/app-manifest.ts';
import { ExecutionStore } from '../../sidecar/src/actions/execution-store.ts';
import { RetryableActionError, type ActionDefinition } from '../../sidecar/src/actions/types.ts';
import { WorkflowActions } from '../../sidecar/src/actions/workflow-actions.ts';
import { OutboxStore } from '../../sidecar/src/outbox/outbox-store.ts';
import { openDataSource } from '../../sidecar/src/store/data-source.ts';
import { OutboxEntity } from '../../sidecar/src/store/entities.ts';
import { createLogger } from '../../sidecar/src/ops/logger.ts';
import { systemClock } from '../../sidecar/src/ports.ts';
import type { DataSource } from 'typeorm';
import { testDatabaseUrl } from '../support/env.ts';

const base = loadAppManifest();
const manifest = parseAppManifest({
  ...base,
  workflowActions: [
    ...base.workflowActions,
    {
      ...base.workflowActions[0]!,
      id: 'test-action',
      path: '/actions/test-action',
      blockFor: 'PT1H',
    },
  ],
});

let ds: DataSource;
let actions: WorkflowActions;
const behaviour: { next: 'complete' | 'block' | 'race' | 'retry' | 'throw' } = { next: 'complete' };

before(async () => {
  ds = await openDataSource(testDatabaseUrl('actions-mechanism'), { migrate: true });
  actions = new WorkflowActions(
    ds,
    new ExecutionStore(ds, systemClock),
    new OutboxStore(ds, systemClock),
    manifest,
    systemClock,
    createLogger('silent'),
  );
  const def: ActionDefinition<z.ZodObject<{ n: z.ZodCoercedNumber }>> = {
    id: 'test-action',
    inputSchema: z.object({ n: z.coerce.number() }),
    async start(ctx) {
      const key = `k:${ctx.callbackId}`;
      switch (behaviour.next) {
        case 'complete':
          return { complete: { doubled: ctx.inputs.n * 2 } };
        case 'block':
          return { block: { key } };
        case 'race':
          // The outside event completes the work before start() has returned.
          await ctx.reserveKey(key);
          assert.equal(
            await actions.complete(ctx.portalId, key, { early: 'yes' }),
            'completed-before-block',
          );
          return { block: { key } };
        case 'retry':
          throw new RetryableActionError('carrier down');
        case 'throw':
          throw new Error('refused by carrier');
      }
    },
  };
  actions.registerAction(def);
});
after(async () => {
  await ds.destroy();
});

const req = (callbackId: string, portalId = '1') => ({
  actionId: 'test-action',
  portalId,
  callbackId,
  object: undefined,
  inputFields: { n: '21' },
});

test('an action not declared in manifest.json cannot be registered', () => {
  assert.throws(
    () =>
      actions.registerAction({
        id: 'nope',
        inputSchema: z.object({}),
        start: () => Promise.resolve({ complete: {} }),
      }),
    /not declared in manifest\.json/,
  );
});

test('complete now: outputs with SUCCESS', async () => {
  behaviour.next = 'complete';
  assert.deepEqual(await actions.execute(req('cb-now')), {
    status: 200,
    body: { outputFields: { doubled: 42, hs_execution_state: 'SUCCESS' } },
  });
});

test('block, then ten concurrent completions: one wins, one callback row', async () => {
  behaviour.next = 'block';
  const answer = await actions.execute(req('cb-block'));
  assert.deepEqual(answer.body, {
    outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'PT1H' },
  });
  const outcomes = await Promise.all(
    Array.from({ length: 10 }, () => actions.complete('1', 'k:cb-block', { result: 'ok' })),
  );
  assert.equal(outcomes.filter((o) => o === 'completed').length, 1);
  assert.equal(outcomes.filter((o) => o === 'already-completed').length, 9);
  const rows = await ds.getRepository(OutboxEntity).findBy({ dedupeKey: 'callback:cb-block' });
  assert.equal(rows.length, 1);
  assert.deepEqual(JSON.parse(rows[0]!.payload), {
    callbackId: 'cb-block',
    outputFields: { result: 'ok', hs_execution_state: 'SUCCESS' },
  });
  // Another account naming the same key completes nothing.
  assert.equal(await actions.complete('2', 'k:cb-block', { result: 'ok' }), 'unknown');
});

test('a completion that arrives while start() runs is answered directly, without BLOCK', async () => {
  behaviour.next = 'race';
  const answer = await actions.execute(req('cb-race'));
  assert.deepEqual(answer.body, { outputFields: { early: 'yes', hs_execution_state: 'SUCCESS' } });
  assert.equal(await ds.getRepository(OutboxEntity).countBy({ dedupeKey: 'callback:cb-race' }), 0);
});

test('a retryable failure answers 503 and lets HubSpot’s retry run start() again', async () => {
  behaviour.next = 'retry';
  assert.equal((await actions.execute(req('cb-retry'))).status, 503);
  behaviour.next = 'complete';
  assert.equal((await actions.execute(req('cb-retry'))).status, 200);
});

test('a permanent failure answers FAIL_CONTINUE with the reason, and a retry replays it', async () => {
  behaviour.next = 'throw';
  const first = await actions.execute(req('cb-fail'));
  assert.deepEqual(first.body, {
    outputFields: { hs_execution_state: 'FAIL_CONTINUE', errorMessage: 'refused by carrier' },
  });
  behaviour.next = 'complete';
  assert.deepEqual(await actions.execute(req('cb-fail')), first);
});

test('a callbackId of another account is refused', async () => {
  behaviour.next = 'complete';
  assert.equal((await actions.execute(req('cb-owned', '1'))).status, 200);
  assert.equal((await actions.execute(req('cb-owned', '2'))).status, 409);
});
