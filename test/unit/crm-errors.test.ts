import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyCrmError, retryAfterOf } from '../../sidecar/src/crm/errors.ts';
import { HubSpotHttpError } from '../../sidecar/src/crm/hubspot-request.ts';

test('429 TEN_SECONDLY_ROLLING waits the interval HubSpot names', () => {
  const e = classifyCrmError(
    new HubSpotHttpError(
      429,
      { status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
      {
        'x-hubspot-ratelimit-interval-milliseconds': '10000',
        'x-hubspot-ratelimit-remaining': '0',
      },
    ),
  );
  assert.equal(e.retryable, true);
  assert.equal(e.status, 429);
  assert.equal(e.retryAfterMs, 10_000);
});

test('Retry-After wins (seconds), and SECONDLY waits a second', () => {
  assert.equal(retryAfterOf({ 'Retry-After': '3' }, { policyName: 'TEN_SECONDLY_ROLLING' }), 3000);
  assert.equal(retryAfterOf({}, { policyName: 'SECONDLY' }), 1000);
  assert.equal(retryAfterOf({}, undefined), 10_000, 'no hint: a full HubSpot window');
  const daily = retryAfterOf({}, { policyName: 'DAILY' });
  assert.ok(daily > 0 && daily <= 86_400_000);
});

test('5xx and no answer are retried; other 4xx are permanent with HubSpot’s category', () => {
  assert.equal(classifyCrmError(new HubSpotHttpError(503, 'down', {})).retryable, true);
  assert.equal(classifyCrmError(new Error('socket hang up')).retryable, true);
  const refused = classifyCrmError(
    new HubSpotHttpError(409, { status: 'error', category: 'CONFLICT', message: 'exists' }, {}),
  );
  assert.equal(refused.retryable, false);
  assert.equal(refused.category, 'CONFLICT');
  assert.match(refused.message, /refused \(409\).*exists/);
});

test('an expired OAuth token waits for the refresh; a wrong token is permanent', () => {
  const expired = classifyCrmError(
    new HubSpotHttpError(401, { status: 'error', category: 'EXPIRED_AUTHENTICATION' }, {}),
  );
  assert.equal(expired.retryable, true);
  const wrong = classifyCrmError(
    new HubSpotHttpError(401, { status: 'error', category: 'INVALID_AUTHENTICATION' }, {}),
  );
  assert.equal(wrong.retryable, false);
});
