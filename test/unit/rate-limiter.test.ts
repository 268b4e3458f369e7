import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlidingWindowLimiter } from '../../sidecar/src/crm/rate-limiter.ts';

test('at most N requests per window, per portal', () => {
  let now = 0;
  const limiter = new SlidingWindowLimiter(3, 10_000, { now: () => now });
  assert.deepEqual(
    [0, 0, 0].map(() => limiter.reserve('a')),
    [0, 0, 0],
  );
  assert.equal(limiter.reserve('a'), 10_000);
  assert.equal(limiter.reserve('b'), 0, 'another portal has its own budget');
  now = 4_000;
  assert.equal(limiter.reserve('a'), 6_000);
  now = 10_001;
  assert.equal(limiter.reserve('a'), 0);
});
