// HubSpot sandbox: happy paths through @hubspot/api-client, and the rejections of a strict API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssociationTypes, Client } from '@hubspot/api-client';
import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import type { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/associations/v4/index.js';
import { ASSOCIATION_DEFS } from '../../sandbox/src/hubspot/association-types.ts';
import { createHubSpotSandbox, type RunningSandbox } from '../../sandbox/src/hubspot/index.ts';
import { singularOf } from '../../sandbox/src/hubspot/object-types.ts';
import { jsonRequest, type Json } from '../support/json-request.ts';

const EQ = 'EQ' as FilterOperatorEnum;
const HUBSPOT_DEFINED = 'HUBSPOT_DEFINED' as AssociationSpecAssociationCategoryEnum;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Search's 5/s limit is exercised in hubspot-sandbox-limits.test.ts; here it would only get in the way.
const sandbox = createHubSpotSandbox({ rateLimits: { searchPerSecond: 1000 } });
const { portalId, accessToken } = sandbox.createPortal();
let running: RunningSandbox;
let client: Client;

const api = (method: string, path: string, body?: unknown, token: string | null = accessToken) =>
  jsonRequest(running.url, method, path, body, token);

function assertError(r: { status: number; body: Json }, status: number, category: string) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.status, 'error');
  assert.equal(r.body.category, category);
  assert.match(String(r.body.correlationId), UUID);
  assert.equal(typeof r.body.message, 'string');
}

const now = () => new Date().toISOString();
const count = (type: string) => sandbox.listObjects(portalId, type).length;

before(async () => {
  running = await sandbox.listen();
  client = new Client({ accessToken, basePath: running.url });
});
after(async () => running.close());

describe('happy paths with @hubspot/api-client', () => {
  it('creates a contact and reads it back', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { firstname: 'Ada', email: 'Ada@Example.com', phone: '+390612345678' },
      associations: [],
    });
    assert.match(created.id, /^\d+$/);
    assert.equal(created.properties.email, 'ada@example.com');
    assert.equal(created.properties.hs_object_id, created.id);
    const read = await client.crm.contacts.basicApi.getById(created.id, ['phone', 'nonexistent']);
    assert.equal(read.properties.phone, '+390612345678');
    assert.equal(read.properties.nonexistent, undefined);
  });

  it('finds contacts by phone with OR-ed filter groups on phone and mobilephone', async () => {
    const phone = '+390699900011';
    const a = sandbox.seedObject(portalId, 'contacts', { properties: { phone } });
    const b = sandbox.seedObject(portalId, 'contacts', { properties: { mobilephone: phone } });
    sandbox.seedObject(portalId, 'contacts', { properties: { phone: '+390699900012' } });
    const res = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'phone', operator: EQ, value: phone }] },
        { filters: [{ propertyName: 'mobilephone', operator: EQ, value: phone }] },
      ],
      properties: ['phone', 'mobilephone'],
      limit: 10,
    });
    assert.equal(res.total, 2);
    assert.deepEqual(res.results.map((r) => r.id).sort(), [a.id, b.id].sort());
  });

  it('creates a call with an inline association (194) to a contact, stored both ways', async () => {
    const contact = sandbox.seedObject(portalId, 'contacts', { properties: { firstname: 'Bo' } });
    const call = await client.crm.objects.calls.basicApi.create({
      properties: {
        hs_timestamp: now(),
        hs_call_direction: 'INBOUND',
        hs_call_status: 'COMPLETED',
      },
      associations: [
        {
          to: { id: contact.id },
          types: [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: 194 }],
        },
      ],
    });
    const fromContact = await client.crm.associations.v4.basicApi.getPage(
      'contacts',
      contact.id,
      'calls',
    );
    assert.equal(String(fromContact.results[0]?.toObjectId), call.id);
    assert.equal(fromContact.results[0]?.associationTypes[0]?.typeId, 193);
    const dump = sandbox.listObjects(portalId, 'calls').find((c) => c.id === call.id);
    assert.deepEqual(dump?.associations.contacts, [{ id: contact.id, typeIds: [194] }]);
  });

  it('associates a contact and a company with the v4 API', async () => {
    const contact = sandbox.seedObject(portalId, 'contacts', { properties: { firstname: 'Cy' } });
    const company = sandbox.seedObject(portalId, 'companies', { properties: { name: 'Acme' } });
    const res = await client.crm.associations.v4.basicApi.create(
      'contacts',
      contact.id,
      'companies',
      company.id,
      [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: 279 }],
    );
    assert.equal(String(res.toObjectId), company.id);
    const read = await client.crm.companies.basicApi.getById(company.id, undefined, undefined, [
      'contacts',
    ]);
    assert.deepEqual(
      read.associations?.contacts?.results.map((r) => r.id),
      [contact.id],
    );
  });

  it('batch upsert by a unique property is idempotent', async () => {
    await client.crm.properties.coreApi.create('calls', {
      name: 'centralino_call_id',
      label: 'Centralino call id',
      type: 'string' as never,
      fieldType: 'text' as never,
      groupName: 'call',
      hasUniqueValue: true,
    });
    const input = {
      idProperty: 'centralino_call_id',
      id: 'uniq-1',
      properties: { hs_timestamp: now(), hs_call_title: 'first' },
    };
    const first = await client.crm.objects.calls.batchApi.upsert({ inputs: [input] });
    const second = await client.crm.objects.calls.batchApi.upsert({
      inputs: [{ ...input, properties: { hs_call_title: 'second' } }],
    });
    assert.equal(first.results[0]?._new, true);
    assert.equal(second.results[0]?._new, false);
    assert.equal(second.results[0]?.id, first.results[0]?.id);
    const matching = sandbox
      .listObjects(portalId, 'calls')
      .filter((c) => c.properties.centralino_call_id === 'uniq-1');
    assert.equal(matching.length, 1);
    assert.equal(matching[0]?.properties.hs_call_title, 'second');
  });

  it('agrees with the association type ids in @hubspot/api-client', () => {
    const official = AssociationTypes as unknown as Record<string, number>;
    const camel = (s: string) => s.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
    let checked = 0;
    for (const def of ASSOCIATION_DEFS) {
      const name = camel(`${singularOf(def.from)}_to_${singularOf(def.to)}`);
      const primaryName = camel(`primary_${singularOf(def.from)}_to_${singularOf(def.to)}`);
      const expected = def.label === 'Primary' ? official[primaryName] : official[name];
      if (expected === undefined) continue;
      assert.equal(def.typeId, expected, `${def.label ?? ''} ${def.from} → ${def.to}`);
      checked += 1;
    }
    assert.ok(checked >= 36, `checked ${checked}`);
  });
});

describe('rejections', () => {
  it('rejects an unknown property with HubSpot’s message', async () => {
    const r = await api('POST', '/crm/v3/objects/contacts', { properties: { foo: 'x' } });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.equal(
      r.body.message,
      'Property values were not valid: [{"isValid":false,"message":"Property \\"foo\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"foo"}]',
    );
  });

  it('rejects read-only properties, bad enum values and missing required ones', async () => {
    const ro = await api('POST', '/crm/v3/objects/contacts', { properties: { hs_object_id: '1' } });
    assertError(ro, 400, 'VALIDATION_ERROR');
    assert.match(String(ro.body.message), /READ_ONLY_VALUE/);
    const before = count('calls');
    const bad = await api('POST', '/crm/v3/objects/calls', {
      properties: { hs_timestamp: now(), hs_call_direction: 'SIDEWAYS' },
    });
    assertError(bad, 400, 'VALIDATION_ERROR');
    assert.match(String(bad.body.message), /INVALID_OPTION/);
    const noTs = await api('POST', '/crm/v3/objects/notes', { properties: { hs_note_body: 'x' } });
    assertError(noTs, 400, 'VALIDATION_ERROR');
    assert.match(String(noTs.body.message), /hs_timestamp/);
    const longNote = await api('POST', '/crm/v3/objects/notes', {
      properties: { hs_timestamp: now(), hs_note_body: 'x'.repeat(65_537) },
    });
    assertError(longNote, 400, 'VALIDATION_ERROR');
    assert.equal(count('calls'), before);
  });

  it('rejects wrong association type ids and leaves nothing behind', async () => {
    const contact = sandbox.seedObject(portalId, 'contacts', { properties: { firstname: 'Di' } });
    const before = count('calls');
    for (const typeId of [999, 182]) {
      const r = await api('POST', '/crm/v3/objects/calls', {
        properties: { hs_timestamp: now() },
        associations: [
          {
            to: { id: contact.id },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }],
          },
        ],
      });
      assertError(r, 400, 'VALIDATION_ERROR');
    }
    assert.equal(count('calls'), before);
    const call = sandbox.seedObject(portalId, 'calls', { properties: { hs_timestamp: now() } });
    const v4 = await api(
      'PUT',
      `/crm/v4/objects/calls/${call.id}/associations/contacts/${contact.id}`,
      [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 182 }],
    );
    assertError(v4, 400, 'VALIDATION_ERROR');
    const missing = await api('PUT', `/crm/v4/objects/calls/${call.id}/associations/contacts/123`, [
      { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 194 },
    ]);
    assertError(missing, 400, 'VALIDATION_ERROR');
  });

  it('rejects batches over 100 inputs', async () => {
    const inputs = Array.from({ length: 101 }, () => ({ properties: { firstname: 'x' } }));
    const r = await api('POST', '/crm/v3/objects/contacts/batch/create', { inputs });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.match(String(r.body.message), /Too many inputs.*max 100/);
    const ok = await api('POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: inputs.slice(1),
    });
    assert.equal(ok.status, 201);
    assert.equal((ok.body.results as unknown[]).length, 100);
  });

  it('rejects malformed search bodies', async () => {
    const filter = { propertyName: 'phone', operator: 'EQ', value: '1' };
    const bodies: unknown[] = [
      { filterGroups: [{ filters: [{ ...filter, operator: 'LIKE' }] }] },
      { filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'EQ' }] }] },
      { filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'BETWEEN', value: '1' }] }] },
      { filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'IN', values: [] }] }] },
      { filterGroups: [{ filters: Array.from({ length: 7 }, () => filter) }] },
      { filterGroups: Array.from({ length: 6 }, () => ({ filters: [filter] })) },
      {
        filterGroups: Array.from({ length: 4 }, () => ({
          filters: Array.from({ length: 5 }, () => filter),
        })),
      },
      { filterGroups: [{ filters: [{ ...filter, propertyName: 'no_such_property' }] }] },
      { limit: 201 },
      { filters: [filter] },
    ];
    for (const body of bodies) {
      const r = await api('POST', '/crm/v3/objects/contacts/search', body);
      assertError(r, 400, 'VALIDATION_ERROR');
    }
    const fine = await api('POST', '/crm/v3/objects/contacts/search', { limit: 200 });
    assert.equal(fine.status, 200);
  });

  it('answers 401 without a token or with an unknown one', async () => {
    for (const token of [null, 'not-a-token']) {
      const r = await api('GET', '/crm/v3/objects/contacts', undefined, token);
      assertError(r, 401, 'INVALID_AUTHENTICATION');
      assert.match(String(r.body.message), /^Authentication credentials not found/);
    }
  });

  it('answers 404 in HubSpot’s shape for unknown routes and records', async () => {
    assertError(await api('GET', '/crm/v3/nothing/here'), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', '/crm/v3/objects/contacts/1'), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', '/crm/v3/objects/widgets/1'), 400, 'VALIDATION_ERROR');
  });

  it('refuses a second contact with the same email (409)', async () => {
    const body = { properties: { email: 'dup@example.com' } };
    assert.equal((await api('POST', '/crm/v3/objects/contacts', body)).status, 201);
    const again = await api('POST', '/crm/v3/objects/contacts', body);
    assertError(again, 409, 'CONFLICT');
    assert.match(String(again.body.message), /Contact already exists. Existing ID: \d+/);
  });
});
