import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../sidecar/src/ops/logger.ts';

test('secrets never reach the log', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = createLogger('info', sink);
  log.info(
    { config: { ARI_PASSWORD: 'ari-secret', HUBSPOT_ACCESS_TOKEN: 'pat-na1-secret', PORT: 8080 } },
    'config',
  );
  log.info({ oauth: { access_token: 'at-secret', refresh_token: 'rt-secret' } }, 'tokens');
  log
    .child({ part: 'x' })
    .warn({ req: { headers: { authorization: 'Bearer xyz-secret' } } }, 'request');
  const out = lines.join('');
  assert.doesNotMatch(out, /secret/);
  assert.match(out, /\[redacted\]/);
  assert.match(out, /"PORT":8080/, 'the rest is still logged');
});
