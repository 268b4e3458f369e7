// The ACD's configuration cache: two admin saves at once must leave the newer configuration in
// it, however slowly the older save's read comes back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueueDirectory } from '../../sidecar/src/acd/directory.ts';
import type { AcdRepository } from '../../sidecar/src/acd/store/acd-repository.ts';
import type { AcdQueueRow } from '../../sidecar/src/acd/store/entities.ts';

test('loads run in order: an older snapshot read slowly does not replace a newer one', async () => {
  // The database as each read finds it: the first read sees the queue's old number and
  // answers only when released; the second sees the new number at once.
  const row = (number: string) => ({ portalId: 'p1', id: 'sales', number }) as AcdQueueRow;
  let releaseFirst!: () => void;
  const firstRead = new Promise<void>((r) => (releaseFirst = r));
  let reads = 0;
  const repo = {
    allQueues: async () => {
      const n = ++reads;
      if (n === 1) {
        await firstRead;
        return [row('0577000001')];
      }
      return [row('0577000002')];
    },
    allMembers: () => Promise.resolve([]),
    allPrefixRules: () => Promise.resolve([]),
  } as unknown as AcdRepository;
  const directory = new QueueDirectory(repo);
  const older = directory.load();
  const newer = directory.load();
  await new Promise((r) => setImmediate(r));
  assert.equal(reads, 1, 'the second read waits for the first');
  releaseFirst();
  await older;
  await newer;
  assert.equal(reads, 2);
  assert.equal(directory.get('p1', 'sales')?.row.number, '0577000002');
});

test('a failed load rejects its caller and does not block the next one', async () => {
  let fail = true;
  const repo = {
    allQueues: () =>
      fail ? Promise.reject(new Error('db down')) : Promise.resolve([{ portalId: 'p1', id: 'q' }]),
    allMembers: () => Promise.resolve([]),
    allPrefixRules: () => Promise.resolve([]),
  } as unknown as AcdRepository;
  const directory = new QueueDirectory(repo);
  await assert.rejects(directory.load(), /db down/);
  fail = false;
  await directory.load();
  assert.ok(directory.get('p1', 'q'));
});
