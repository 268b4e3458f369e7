// The sandbox's lists API v3 is strict: bad list definitions, manual additions to DYNAMIC
// lists, unknown lists and out-of-range page sizes are refused; memberships page by record id.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';

let hs: TestHubSpot;
before(async () => {
  hs = await startTestHubSpot();
});
after(() => hs.running.close());

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${hs.running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${hs.accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('lists: create, add members, page memberships; strict refusals', async () => {
  const ids = ['a', 'b', 'c'].map(
    (n) => hs.sandbox.seedObject(hs.portalId, 'contacts', { properties: { firstname: n } }).id,
  );
  assert.equal(
    (await call('POST', '/crm/v3/lists', { objectTypeId: '0-1', processingType: 'MANUAL' })).status,
    400,
  );
  assert.equal(
    (
      await call('POST', '/crm/v3/lists', {
        name: 'x',
        objectTypeId: '9-9',
        processingType: 'MANUAL',
      })
    ).status,
    400,
  );
  assert.equal(
    (
      await call('POST', '/crm/v3/lists', {
        name: 'x',
        objectTypeId: '0-1',
        processingType: 'DYNAMIC',
      })
    ).status,
    400,
  );
  assert.equal(
    (
      await call('POST', '/crm/v3/lists', {
        name: 'x',
        objectTypeId: '0-1',
        processingType: 'MANUAL',
        color: 'red',
      })
    ).status,
    400,
  );

  const created = await call('POST', '/crm/v3/lists', {
    name: 'Gala guests',
    objectTypeId: '0-1',
    processingType: 'MANUAL',
  });
  assert.equal(created.status, 200);
  const listId = (created.body.list as { listId: string }).listId;
  assert.equal(
    (
      await call('POST', '/crm/v3/lists', {
        name: 'Gala guests',
        objectTypeId: '0-1',
        processingType: 'MANUAL',
      })
    ).status,
    400,
    'names are unique',
  );

  const added = await call('PUT', `/crm/v3/lists/${listId}/memberships/add`, [...ids, '999999']);
  assert.deepEqual(added.body, { recordIdsAdded: ids, recordIdsMissing: ['999999'] });
  const again = await call('PUT', `/crm/v3/lists/${listId}/memberships/add`, [ids[0]]);
  assert.deepEqual(again.body, { recordIdsAdded: [], recordIdsMissing: [] });

  const p1 = await call('GET', `/crm/v3/lists/${listId}/memberships?limit=2`);
  const after1 = (p1.body.paging as { next: { after: string } }).next.after;
  const p2 = await call('GET', `/crm/v3/lists/${listId}/memberships?limit=2&after=${after1}`);
  const seen = [
    ...(p1.body.results as { recordId: string }[]),
    ...(p2.body.results as { recordId: string }[]),
  ].map((r) => r.recordId);
  assert.deepEqual(seen, ids);
  assert.equal(p2.body.paging, undefined);
  assert.equal((await call('GET', `/crm/v3/lists/${listId}/memberships?limit=300`)).status, 400);
  assert.equal((await call('GET', '/crm/v3/lists/424242')).status, 404);
  assert.equal(
    ((await call('GET', `/crm/v3/lists/${listId}`)).body.list as { size: number }).size,
    3,
  );

  const dynamic = await call('POST', '/crm/v3/lists', {
    name: 'dyn',
    objectTypeId: '0-1',
    processingType: 'DYNAMIC',
    filterBranch: { filterBranchType: 'OR', filterBranches: [], filters: [] },
  });
  const dynId = (dynamic.body.list as { listId: string }).listId;
  assert.equal((await call('PUT', `/crm/v3/lists/${dynId}/memberships/add`, [ids[0]])).status, 400);
});
