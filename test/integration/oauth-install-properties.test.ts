// The CRM properties of manifest.json in single-account mode (created at start, once across
// restarts), and the sandbox's property groups API being as strict as HubSpot's: unknown group,
// duplicate group, bad names and types refused with the reason.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadAppManifest } from '../../sidecar/src/app-manifest.ts';
import { CrmPropertiesError } from '../../sidecar/src/hubspot-app/crm-properties.ts';
import { startTestSidecar } from '../support/harness.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';
import { jsonRequest } from '../support/json-request.ts';

let crm: TestHubSpot;
before(async () => {
  crm = await startTestHubSpot(4246);
});
after(async () => {
  await crm.running.close();
});

const api = (method: string, path: string, body?: unknown) =>
  jsonRequest(crm.running.url, method, path, body, crm.accessToken);

const manifestKeys = () =>
  Object.entries(loadAppManifest().crmProperties)
    .flatMap(([type, props]) => (props ?? []).map((p) => `${type}.${p.name}`))
    .sort();

test('single-account mode creates the properties at start, and a restart creates nothing again', async () => {
  const first = await startTestSidecar(crm.env, 'propsstart');
  const report = await first.crmProperties;
  await first.shutdown();
  assert.ok(report && !(report instanceof Error), JSON.stringify(report));
  assert.deepEqual(report.created.filter((k) => !k.includes('group:')).sort(), manifestKeys());
  const listed = await api('GET', '/crm/v3/properties/deals/centralino_support_status');
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  assert.equal(listed.body.groupName, 'centralino');

  const second = await startTestSidecar(crm.env, 'propsrestart');
  const again = await second.crmProperties;
  await second.shutdown();
  assert.ok(again && !(again instanceof Error), JSON.stringify(again));
  assert.deepEqual(again.created, []);
  assert.deepEqual(again.existing.filter((k) => !k.includes('group:')).sort(), manifestKeys());
});

test('a refusal at start is reported with the property and HubSpot’s reason', async () => {
  crm.sandbox.faults.set({
    failNext: { count: 1, status: 500 },
    pathPrefix: '/crm/v3/properties/companies',
  });
  try {
    const s = await startTestSidecar(crm.env, 'propsfail');
    const report = await s.crmProperties;
    await s.shutdown();
    assert.ok(report instanceof CrmPropertiesError, JSON.stringify(report));
    assert.match(report.message, /companies\.group:centralino \(HubSpot 500/);
    assert.deepEqual(report.failures.length, 2);
  } finally {
    crm.sandbox.faults.clear();
  }
});

test('the sandbox refuses properties in unknown groups and duplicate or malformed groups', async () => {
  const orphan = await api('POST', '/crm/v3/properties/contacts', {
    name: 'orphan',
    label: 'Orphan',
    type: 'string',
    fieldType: 'text',
    groupName: 'no_such_group',
  });
  assert.equal(orphan.status, 400);
  assert.match(String(orphan.body.message), /Property group no_such_group does not exist/);

  const created = await api('POST', '/crm/v3/properties/contacts/groups', {
    name: 'sales_extras',
    label: 'Sales extras',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const dup = await api('POST', '/crm/v3/properties/contacts/groups', {
    name: 'sales_extras',
    label: 'Again',
  });
  assert.equal(dup.status, 409);
  const badName = await api('POST', '/crm/v3/properties/contacts/groups', {
    name: 'Sales Extras',
    label: 'x',
  });
  assert.equal(badName.status, 400);
  const extraKey = await api('POST', '/crm/v3/properties/contacts/groups', {
    name: 'other',
    label: 'x',
    colour: 'red',
  });
  assert.equal(extraKey.status, 400);
  const got = await api('GET', '/crm/v3/properties/contacts/groups/sales_extras');
  assert.equal(got.status, 200);
  assert.equal(got.body.label, 'Sales extras');
  assert.equal((await api('GET', '/crm/v3/properties/deals/groups/sales_extras')).status, 404);

  const badOption = await api('POST', '/crm/v3/properties/contacts', {
    name: 'tier',
    label: 'Tier',
    type: 'enumeration',
    fieldType: 'text',
    groupName: 'sales_extras',
    options: [{ label: 'Gold', value: 'gold' }],
  });
  assert.equal(badOption.status, 400);
  assert.match(String(badOption.body.message), /fieldType text is not valid for type enumeration/);
  const ok = await api('POST', '/crm/v3/properties/contacts', {
    name: 'tier',
    label: 'Tier',
    type: 'enumeration',
    fieldType: 'select',
    groupName: 'sales_extras',
    options: [{ label: 'Gold', value: 'gold' }],
  });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
});
