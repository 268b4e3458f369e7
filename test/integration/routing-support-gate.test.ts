// The support gate on real calls against the strict HubSpot sandbox (S1–S6): known caller
// with a paid contract → support; unknown caller types a VAT number → support and the number
// is remembered; wrong codes → sales; pending authorization → sales; revoke → next call goes
// to sales; CRM down → routed within the bound, with the reason in the call note.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestSidecar, type TestSidecar } from '../support/harness.ts';
import { startTestHubSpot, type TestHubSpot } from '../support/hubspot.ts';
import { jsonRequest } from '../support/json-request.ts';
import { TestQueues, tempDir, writeFlows } from '../support/routing.ts';
import path from 'node:path';

let crm: TestHubSpot;
let sidecar: TestSidecar;
const queues = new TestQueues(['support', 'sales', 'operator']);
let acme: string;

const CONTACT_TO_COMPANY = [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }];

before(async () => {
  crm = await startTestHubSpot(4244);
  for (const name of ['vat_number', 'support_contract_status']) {
    const res = await jsonRequest(
      crm.running.url,
      'POST',
      '/crm/v3/properties/companies',
      { name, label: name, type: 'string', fieldType: 'text', groupName: 'companyinformation' },
      crm.accessToken,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  const seed = (type: string, properties: Record<string, string>, associations: unknown[] = []) =>
    crm.sandbox.seedObject(crm.portalId, type, { properties, associations }).id;
  acme = seed('companies', {
    name: 'ACME',
    vat_number: '01234567890',
    support_contract_status: 'paid',
  });
  const pending = seed('companies', {
    name: 'NewCo',
    vat_number: '09876543210',
    support_contract_status: 'pending_authorization',
  });
  seed('contacts', { firstname: 'Mario', phone: '+390577111222' }, [
    { to: { id: acme }, types: CONTACT_TO_COMPANY },
  ]);
  seed('contacts', { firstname: 'Nina', phone: '+390577111333' }, [
    { to: { id: pending }, types: CONTACT_TO_COMPANY },
  ]);

  const dir = tempDir('gate');
  const flowsFile = path.join(dir, 'flows.yaml');
  const q = (queue: string) => ({ type: 'queue', queue, overflow: [{ type: 'hangup' }] });
  writeFlows(flowsFile, {
    queues: ['support', 'sales', 'operator'],
    numbers: { '0577235599': 'support-line' },
    default: 'support-line',
    flows: {
      'support-line': [
        {
          type: 'support-gate',
          prompt: 'sound:beep',
          invalidMedia: 'sound:beep',
          codeTimeoutMs: 2500,
          crmTimeoutMs: 1000,
          paid: [q('support')],
          other: [q('sales')],
          fallback: [q('operator')],
        },
      ],
    },
  });
  sidecar = await startTestSidecar(
    {
      ...crm.env,
      FLOWS_FILE: flowsFile,
      FLOWS_WATCH: 'false',
      DATA_DIR: dir,
      SUPPORT_CONTRACT_TTL_MS: '0',
      HUBSPOT_LOOKUP_TIMEOUT_MS: '800',
      ADMIN_API_TOKEN: TOKEN,
      OUTBOX_RETRY_BASE_MS: '100',
      OUTBOX_RETRY_CAP_MS: '400',
    },
    'gate',
    { queues },
  );
});
after(async () => {
  await sidecar.shutdown();
  await crm.running.close();
});

const TOKEN = 'routing-admin-token-0123456789';
const lastQueue = () => queues.asked.at(-1)!.queueId;

test('known caller (phone) with a paid contract → support, no code asked', async () => {
  const call = await sidecar.call({ from: '+390577111222', to: '0577235599' });
  assert.equal(lastQueue(), 'support');
  assert.match(
    call.note ?? '',
    /identified by caller ID; contract support_contract_status=paid → support/,
  );
});

test('unknown caller types a valid VAT number → support, and the number is remembered', async () => {
  let call = await sidecar.call({
    from: '+390577999001',
    to: '0577235599',
    digits: '01234567890#',
  });
  assert.equal(lastQueue(), 'support');
  assert.match(call.note ?? '', new RegExp(`company ${acme} identified by customer code`));
  assert.match(call.note ?? '', /Number \+390577999001 remembered/);

  const listed = await jsonRequest(
    sidecar.url,
    'GET',
    `/api/routing/remembered-numbers?objectType=companies&objectId=${acme}`,
    undefined,
    TOKEN,
  );
  const rows = listed.body.results as { id: string; phone: string }[];
  assert.deepEqual(
    rows.map((r) => r.phone),
    ['+390577999001'],
  );

  // Next call: no digits typed at all, still support.
  call = await sidecar.call({ from: '+390577999001', to: '0577235599' });
  assert.equal(lastQueue(), 'support');
  assert.match(call.note ?? '', /identified by remembered number/);

  // Removed from the CRM card → asked again (and typing nothing ends in sales).
  assert.equal(
    (
      await jsonRequest(
        sidecar.url,
        'DELETE',
        `/api/routing/remembered-numbers/${rows[0]!.id}`,
        undefined,
        TOKEN,
      )
    ).status,
    204,
  );
  call = await sidecar.call({ from: '+390577999001', to: '0577235599' });
  assert.equal(lastQueue(), 'sales');
  assert.match(call.note ?? '', /no valid customer code after 3 attempts/);
});

test('an invalid code three times → sales', async () => {
  const call = await sidecar.call({
    from: '+390577999002',
    to: '0577235599',
    digits: '111#222#333#',
  });
  assert.equal(lastQueue(), 'sales');
  assert.match(call.note ?? '', /Route: gate:invalid-code → queue:sales/);
});

test('pending authorization → sales', async () => {
  const call = await sidecar.call({ from: '+390577111333', to: '0577235599' });
  assert.equal(lastQueue(), 'sales');
  assert.match(call.note ?? '', /gate:not-paid\(pending_authorization\)/);
});

test('revoked in the CRM → the next call goes to sales; granted again → support', async () => {
  const patch = (status: string) =>
    jsonRequest(
      crm.running.url,
      'PATCH',
      `/crm/v3/objects/companies/${acme}`,
      { properties: { support_contract_status: status } },
      crm.accessToken,
    );
  assert.equal((await patch('expired')).status, 200);
  await sidecar.call({ from: '+390577111222', to: '0577235599' });
  assert.equal(lastQueue(), 'sales');
  assert.equal((await patch('paid')).status, 200);
  await sidecar.call({ from: '+390577111222', to: '0577235599' });
  assert.equal(lastQueue(), 'support');
});

test('CRM slow: a known caller is routed by the cached status within the bound; an unknown one goes to the fallback queue', async () => {
  crm.sandbox.setFaults({ latencyMs: 5000 });
  try {
    let started = Date.now();
    let call = await sidecar.call({ from: '+390577111222', to: '0577235599' });
    const known = queues.asked.at(-1)!;
    assert.equal(known.queueId, 'support');
    assert.match(
      call.note ?? '',
      /CRM unavailable \(CRM did not answer within 1000 ms\): routed by the contract status cached/,
    );
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);

    started = Date.now();
    call = await sidecar.call({ from: '+390577999003', to: '0577235599' });
    assert.equal(lastQueue(), 'operator');
    assert.match(
      call.note ?? '',
      /Support gate: CRM unavailable \(CRM lookup timed out\); fallback route taken/,
    );
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
  } finally {
    crm.sandbox.clearFaults();
  }
});

test('CRM down (connection reset): a remembered customer with a cached status reaches support, with the note', async () => {
  // Learn the status once, then take the CRM away.
  await sidecar.call({ from: '+390577999004', to: '0577235599', digits: '01234567890#' });
  assert.equal(lastQueue(), 'support');
  crm.sandbox.setFaults({ outage: true });
  try {
    const started = Date.now();
    const call = await sidecar.call({ from: '+390577999004', to: '0577235599' });
    assert.equal(lastQueue(), 'support');
    assert.match(call.note ?? '', /identified by remembered number/);
    assert.match(
      call.note ?? '',
      /CRM unavailable \(HubSpot unreachable: .*\): routed by the contract status cached/,
    );
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);

    const unknown = await sidecar.call({ from: '+390577999005', to: '0577235599' });
    assert.equal(lastQueue(), 'operator');
    assert.match(unknown.note ?? '', /Support gate: CRM unavailable .*fallback route taken/);
  } finally {
    crm.sandbox.clearFaults();
  }
});
