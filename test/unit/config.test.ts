import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, databaseUrlOf, loadConfig } from '../../sidecar/src/config.ts';

test('defaults give a runnable embedded configuration', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 8080);
  assert.equal(c.ARI_APP, 'centralino');
  assert.equal(c.HUBSPOT_API_BASE_URL, 'https://api.hubapi.com');
  assert.equal(databaseUrlOf(c), 'sqlite:data/centralino.sqlite');
  assert.ok(Object.isFrozen(c));
});

test('every bad variable is reported at once', () => {
  try {
    loadConfig({
      PORT: 'eighty',
      DATABASE_URL: 'postgres://x',
      ARI_URL: 'not a url',
      ARI_APP: 'has space',
      TOKEN_ENCRYPTION_KEY: 'c2hvcnQ=',
      TWILIO_FROM_NUMBER: '0577',
    });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const names = err.problems.map((p) => p.split(':')[0]);
    assert.deepEqual(names.sort(), [
      'ARI_APP',
      'ARI_URL',
      'DATABASE_URL',
      'PORT',
      'TOKEN_ENCRYPTION_KEY',
      'TWILIO_FROM_NUMBER',
    ]);
    assert.match(err.message, /TOKEN_ENCRYPTION_KEY: must be 32 bytes/);
  }
});

test('typed values: numbers coerced, key decoded, empty means unset', () => {
  const key = 'ab'.repeat(32);
  const c = loadConfig({
    PORT: '9090',
    TOKEN_ENCRYPTION_KEY: key,
    HUBSPOT_ACCESS_TOKEN: '',
    DATABASE_URL: 'mysql://root@127.0.0.1:3306/test',
  });
  assert.equal(c.PORT, 9090);
  assert.equal(c.TOKEN_ENCRYPTION_KEY?.length, 32);
  assert.equal(c.HUBSPOT_ACCESS_TOKEN, undefined);
  assert.equal(databaseUrlOf(c), 'mysql://root@127.0.0.1:3306/test');
});

test('Twilio credentials come in pairs', () => {
  assert.throws(
    () => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` }),
    /TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN/,
  );
});

test('ADMIN_API_TOKEN: at least 16 characters; the old token names say they were renamed', () => {
  assert.equal(loadConfig({ ADMIN_API_TOKEN: 'a'.repeat(16) }).ADMIN_API_TOKEN, 'a'.repeat(16));
  assert.throws(() => loadConfig({ ADMIN_API_TOKEN: 'short' }), /ADMIN_API_TOKEN: at least 16/);
  assert.throws(
    () => loadConfig({ ROUTING_API_TOKEN: 'a'.repeat(20) }),
    /ROUTING_API_TOKEN: renamed to ADMIN_API_TOKEN/,
  );
  assert.throws(
    () => loadConfig({ OUTBOX_ADMIN_TOKEN: 'a'.repeat(20) }),
    /OUTBOX_ADMIN_TOKEN: renamed to ADMIN_API_TOKEN/,
  );
});
