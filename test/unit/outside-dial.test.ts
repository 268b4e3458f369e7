// Outside numbers are dialled with one template: the flows' transfers and ACD agents alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentEndpoint } from '../../sidecar/src/acd/admin.ts';
import { outsideDialString } from '../../sidecar/src/domain/outside-dial.ts';

test('the template gets the number wherever {number} stands', () => {
  assert.equal(
    outsideDialString('PJSIP/{number}@trunk', '+393471234567'),
    'PJSIP/+393471234567@trunk',
  );
  assert.equal(
    outsideDialString('PJSIP/trunk/sip:{number}@carrier;user=phone;x={number}', '0577111222'),
    'PJSIP/trunk/sip:0577111222@carrier;user=phone;x=0577111222',
  );
});

test("an agent's tel: number is dialled with the trunk template; other dial strings as stored", () => {
  const template = 'PJSIP/{number}@carrier2';
  assert.equal(agentEndpoint('tel:+393471234567', template), 'PJSIP/+393471234567@carrier2');
  assert.equal(
    agentEndpoint('PJSIP/agents/sip:201@10.0.0.5:5060', template),
    'PJSIP/agents/sip:201@10.0.0.5:5060',
  );
  assert.equal(agentEndpoint('Local/answer@test-callee/n', template), 'Local/answer@test-callee/n');
});
