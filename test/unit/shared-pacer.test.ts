// The shared pacer on a real database: two pacers (as two processes would) on one bucket
// never hand out two slots closer than the interval, and a hold pushes both back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { SharedPacer } from '../../sidecar/src/crm/shared-pacer.ts';
import { systemClock } from '../../sidecar/src/ports.ts';
import { openDataSource } from '../../sidecar/src/store/data-source.ts';
import { testDatabaseUrl } from '../support/env.ts';

let ds: DataSource;
before(async () => {
  ds = await openDataSource(testDatabaseUrl('pacer'), { migrate: true });
});
after(() => ds.destroy());

test('two pacers on one bucket: 45 requests, every two slots at least the interval apart', async () => {
  const bucket = `p-${Date.now()}`;
  const a = new SharedPacer(ds, systemClock, 20, 'write');
  const b = new SharedPacer(ds, systemClock, 20, 'write');
  const stamps: number[] = [];
  const run = async (p: SharedPacer) => {
    for (let i = 0; i < 15; i++) {
      stamps.push(await p.acquire(bucket));
    }
  };
  await Promise.all([run(a), run(b), run(a)]);
  stamps.sort((x, y) => x - y);
  assert.equal(stamps.length, 45);
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
  assert.ok(
    gaps.every((g) => g >= 20),
    `gaps ${gaps.join(',')}`,
  );
});

test('a hold (after a 429) delays the next request of every pacer on the bucket', async () => {
  const bucket = `h-${Date.now()}`;
  const a = new SharedPacer(ds, systemClock, 10, 'write');
  const b = new SharedPacer(ds, systemClock, 10, 'write');
  await a.acquire(bucket);
  await a.holdFor(bucket, 300);
  const t = Date.now();
  await b.acquire(bucket);
  assert.ok(Date.now() - t >= 290, `waited ${Date.now() - t} ms`);
});

test('buckets are independent (portals do not share a budget)', async () => {
  const p = new SharedPacer(ds, systemClock, 1000, 'write');
  const t = Date.now();
  await p.acquire(`x-${t}`);
  await p.acquire(`y-${t}`);
  assert.ok(Date.now() - t < 500);
});
