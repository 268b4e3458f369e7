// Whom a parked call that nobody picked up rings back: the agent whose phone transferred it
// to the park number (ctx.transferredBy) comes before the channel variables a dialplan
// transfer leaves (CENTRALINO_PARKER, BLINDTRANSFER).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowContext } from '../../sidecar/src/routing/context.ts';
import type { CallMedia } from '../../sidecar/src/routing/media-port.ts';
import { ParkStep } from '../../sidecar/src/routing/nodes/park.ts';
import { ParkingLot } from '../../sidecar/src/routing/parking-lot.ts';

const log = { warn: () => undefined } as unknown as ConstructorParameters<typeof ParkStep>[3];

function channel(id: string) {
  let end!: () => void;
  const ended = new Promise<{ at: number }>((r) => (end = () => r({ at: Date.now() })));
  return {
    info: { id },
    ended,
    play: () => Promise.resolve('done'),
    hangup: () => {
      end();
      return Promise.resolve();
    },
  };
}

async function returnedTo(ctxExtra: Partial<FlowContext>, vars: Record<string, string>) {
  const dialled: string[] = [];
  const bridge = {
    add: () => Promise.resolve(),
    remove: () => Promise.resolve(),
    destroy: () => Promise.resolve(),
    startMoh: () => Promise.resolve(),
  };
  const caller = channel('caller');
  const media = {
    holdingBridge: () => Promise.resolve(bridge),
    bridge: () => Promise.resolve(bridge),
    channelVar: (_id: string, name: string) => Promise.resolve(vars[name] ?? null),
    originate: (req: { endpoint: string }) => {
      dialled.push(req.endpoint);
      const back = channel('back');
      void back.hangup(); // the parker answers and hangs up at once
      return Promise.resolve(back);
    },
  } as unknown as CallMedia;
  const step = new ParkStep(
    { type: 'park', slots: [711, 712], timeoutSec: 0.01, returnToParker: true, onTimeout: [] },
    new ParkingLot(),
    media,
    log,
    [],
  );
  const ctx = {
    call: caller,
    portalId: 'p1',
    route: [],
    notes: [],
    ...ctxExtra,
  } as unknown as FlowContext;
  await step.run(ctx);
  return { dialled, route: ctx.route };
}

test('the agent who transferred the call here is rung back first', async () => {
  const r = await returnedTo(
    { transferredBy: 'PJSIP/agents/sip:331@127.0.0.1:5062' },
    { CENTRALINO_PARKER: 'Local/x@y', BLINDTRANSFER: 'PJSIP/101-0000002a' },
  );
  assert.deepEqual(r.dialled, ['PJSIP/agents/sip:331@127.0.0.1:5062']);
  assert.deepEqual(r.route, ['park:711', 'park:returned']);
});

test('without one, the channel variables decide, as before', async () => {
  assert.deepEqual((await returnedTo({}, { CENTRALINO_PARKER: 'Local/x@y' })).dialled, [
    'Local/x@y',
  ]);
  assert.deepEqual((await returnedTo({}, { BLINDTRANSFER: 'PJSIP/101-0000002a' })).dialled, [
    'PJSIP/101',
  ]);
});
