// What the agent's phone is told about a transfer it keyed (a REFER reported by Asterisk as a
// ChannelTransfer event), for the cases a real call reaches only with more set-up: a leg that
// is not in a queue call, an attended transfer, a colleague who cannot take it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HandsetTransfers,
  keyedNumber,
  type TransferProgress,
} from '../../sidecar/src/acd/handset-transfers.ts';
import { TransferError, type TransferTarget } from '../../sidecar/src/acd/transfers.ts';

const silentLog = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  error: () => undefined,
  child: () => silentLog,
};

function rig(blind: (target: TransferTarget, accepted: () => Promise<void>) => Promise<void>) {
  const told: [string, TransferProgress][] = [];
  const order: string[] = [];
  const handset = new HandsetTransfers({
    conversations: {
      byAgentLeg: (id: string) =>
        id === 'leg-1' ? { agentId: 'a1', waiter: { entry: { portalId: 'p1' } } } : undefined,
    } as never,
    transfers: {
      blind: async (_p: string, _a: string, t: TransferTarget, accepted: () => Promise<void>) => {
        order.push(`blind ${JSON.stringify(t)}`);
        await blind(t, accepted);
      },
      handOff: async (
        _p: string,
        _a: string,
        number: string,
        by: string | null,
        accepted: () => Promise<void>,
      ) => {
        order.push(`hand off to ${number} by ${by}`);
        await accepted();
      },
    } as never,
    agents: { inPortal: () => [{ row: { id: 'a2', number: '302' } }] } as never,
    directory: {
      byNumber: (_p: string, n: string) =>
        n === '0577900202' ? { row: { id: 'back' } } : undefined,
    } as never,
    hasFlow: (number) => number === '700',
    dialOf: () => 'PJSIP/agents/sip:331@127.0.0.1:5062',
    progress: (channelId, state) => {
      told.push([channelId, state]);
      order.push(`told ${state}`);
      return Promise.resolve();
    },
    log: silentLog,
  });
  const transfer = (source: string, destination?: string) =>
    handset.onChannelTransfer({
      refer_to: { requested_destination: destination ? { destination } : { protocol_id: 'x' } },
      referred_by: { source_channel: { id: source } },
    });
  return { told, order, transfer, handset };
}

test('the keyed number is the user part, whatever the phone wrote around it', () => {
  assert.equal(keyedNumber('302'), '302');
  assert.equal(keyedNumber('sip:302@pbx.example;user=phone'), '302');
  assert.equal(keyedNumber('302@127.0.0.1'), '302');
});

test('a colleague by agent number, a queue by its number, else nothing', () => {
  const { handset } = rig(() => Promise.resolve());
  assert.deepEqual(handset.target('p1', '302'), { agentId: 'a2' });
  assert.deepEqual(handset.target('p1', '0577900202'), { queueId: 'back' });
  assert.deepEqual(handset.target('p1', '700'), { flowNumber: '700' });
  assert.equal(handset.target('p1', '999'), undefined);
});

test("a flow's number (the park number): the caller is handed off, the agent as the parker", async () => {
  const r = rig(() => assert.fail('not a blind transfer'));
  await r.transfer('leg-1', '700');
  assert.deepEqual(r.order, [
    'hand off to 700 by PJSIP/agents/sip:331@127.0.0.1:5062',
    'told channel_answered',
  ]);
});

test('accepted: the phone is told 200 before the agent leg goes (inside blind)', async () => {
  const r = rig(async (_t, accepted) => {
    await accepted();
    r.order.push('leg hung up');
  });
  await r.transfer('leg-1', 'sip:302@pbx');
  assert.deepEqual(r.order, ['blind {"agentId":"a2"}', 'told channel_answered', 'leg hung up']);
});

test('refused by the ACD (colleague busy): unavailable, and the agent keeps the caller', async () => {
  const r = rig(() => Promise.reject(new TransferError('agent a2 is not available')));
  await r.transfer('leg-1', '302');
  assert.deepEqual(r.told, [['leg-1', 'channel_unavailable']]);
});

test('declined: unknown number, attended transfer, a leg outside any queue call', async () => {
  const r = rig(() => assert.fail('no transfer may start'));
  await r.transfer('leg-1', '999');
  await r.transfer('leg-1');
  await r.transfer('someone-else', '302');
  await r.handset.onChannelTransfer({ not: 'an event' });
  assert.deepEqual(r.told, [
    ['leg-1', 'channel_declined'],
    ['leg-1', 'channel_declined'],
    ['someone-else', 'channel_declined'],
  ]);
});
