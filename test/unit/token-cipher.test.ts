import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { TokenCipher } from '../../sidecar/src/oauth/token-cipher.ts';

const cipher = new TokenCipher(randomBytes(32));

test('round trip, random IV, no plaintext', () => {
  const token = 'CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwHjX7OIpuIFEavB2-qYAGQsF4';
  const a = cipher.encrypt(token, '123');
  const b = cipher.encrypt(token, '123');
  assert.notEqual(a, b);
  assert.ok(
    !a.includes(token) && !Buffer.from(a.slice(3), 'base64').toString('latin1').includes(token),
  );
  assert.equal(cipher.decrypt(a, '123'), token);
});

test('a tampered value, another portal or another key fails to decrypt', () => {
  const stored = cipher.encrypt('secret-token', '123');
  const raw = Buffer.from(stored.slice(3), 'base64');
  raw[raw.length - 1] = raw.at(-1)! ^ 1;
  assert.throws(() => cipher.decrypt(`v1:${raw.toString('base64')}`, '123'));
  assert.throws(() => cipher.decrypt(stored, '456'));
  assert.throws(() => new TokenCipher(randomBytes(32)).decrypt(stored, '123'));
  assert.throws(() => cipher.decrypt('plain', '123'), /unknown token encryption format/);
  assert.throws(() => new TokenCipher(randomBytes(16)), /32 bytes/);
});
