import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storedSpellings, toE164, type E164 } from '../../sidecar/src/domain/phone.ts';

test('caller IDs as trunks send them normalise to E.164', () => {
  assert.equal(toE164('0577111222', 'IT'), '+390577111222');
  assert.equal(toE164('+39 0577 111222', 'IT'), '+390577111222');
  assert.equal(toE164('00390577111222', 'IT'), '+390577111222');
  assert.equal(toE164('3471234567', 'IT'), '+393471234567');
  assert.equal(toE164('+1 (415) 555-2671', 'IT'), '+14155552671');
  assert.equal(toE164('020 7946 0958', 'GB'), '+442079460958');
});

test('anonymous and garbage caller IDs are not numbers', () => {
  for (const raw of ['', 'anonymous', 'Restricted', '12', undefined, null]) {
    assert.equal(toE164(raw, 'IT'), undefined, String(raw));
  }
});

test('stored spellings cover the formats people type into the CRM', () => {
  const s = storedSpellings('+390577111222' as E164);
  for (const expected of [
    '+390577111222',
    '+39 0577 111222',
    '0577 111222',
    '0577111222',
    '00390577111222',
  ]) {
    assert.ok(s.includes(expected), `${expected} in ${s.join(', ')}`);
  }
  assert.equal(new Set(s).size, s.length);
});
