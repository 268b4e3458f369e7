// The speech cache: one file per (voice, text) named by its SHA-256, synthesised once even when
// asked for concurrently, nothing left behind by a failed synthesis, and only hashes it
// produced are served. A fake engine stands in for espeak-ng.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import type { SpeechEngine } from '../../sidecar/src/tts/port.ts';
import { HttpServedSpeech } from '../../sidecar/src/tts/http-speech.ts';
import { SpeechCache, speechHash } from '../../sidecar/src/tts/speech-cache.ts';
import { reachableListenUrl } from '../../sidecar/src/tts/wire.ts';
import { tempDir } from '../support/routing.ts';

class CountingEngine implements SpeechEngine {
  readonly rendered: string[] = [];
  fail = false;
  constructor(readonly voice: string) {}
  async render(text: string, outFile: string): Promise<void> {
    this.rendered.push(text);
    await writeFile(outFile, `${this.voice}:${text}`);
    if (this.fail) throw new Error('engine broke half way');
  }
}

test('the hash is SHA-256 of (voice, trimmed text): stable, and different for another voice or text', () => {
  const h = speechHash('it', 'Chiusi per lavori');
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(h, createHash('sha256').update('["it","Chiusi per lavori"]').digest('hex'));
  assert.equal(speechHash('it', '  Chiusi per lavori\n'), h);
  assert.notEqual(speechHash('en-gb', 'Chiusi per lavori'), h);
  assert.notEqual(speechHash('it', 'Chiusi per lavori.'), h);
  assert.notEqual(speechHash('it a', 'b'), speechHash('it', 'a b'));
});

test('a text is synthesised once, also when asked for concurrently; another text is another file', async () => {
  const dir = tempDir('tts-cache');
  const engine = new CountingEngine('it');
  const cache = new SpeechCache(dir, engine);
  const [a, b] = await Promise.all([cache.ensure('Buongiorno'), cache.ensure(' Buongiorno ')]);
  assert.equal(a, b);
  assert.equal(await cache.ensure('Buongiorno'), a);
  assert.deepEqual(engine.rendered, ['Buongiorno']);
  const other = await cache.ensure('Buonasera');
  assert.notEqual(other, a);
  assert.deepEqual((await readdir(dir)).sort(), [`${a}.wav`, `${other}.wav`].sort());
  assert.equal(await readFile((await cache.fileOf(a))!, 'utf8'), 'it:Buongiorno');
  // A second cache on the same directory (a restart) reuses the file.
  const again = new CountingEngine('it');
  assert.equal(await new SpeechCache(dir, again).ensure('Buongiorno'), a);
  assert.deepEqual(again.rendered, []);
});

test('only hashes it produced are served; a failed synthesis leaves nothing and is retried', async () => {
  const dir = tempDir('tts-cache');
  const engine = new CountingEngine('it');
  const cache = new SpeechCache(dir, engine);
  engine.fail = true;
  await assert.rejects(cache.ensure('Guasto'), /half way/);
  assert.deepEqual(await readdir(dir), []);
  assert.equal(await cache.fileOf(speechHash('it', 'Guasto')), null);
  engine.fail = false;
  const h = await cache.ensure('Guasto');
  assert.ok(await cache.fileOf(h));
  assert.equal(await cache.fileOf('../../etc/passwd'), null);
  assert.equal(await cache.fileOf('a'.repeat(64)), null);
  assert.equal(await cache.fileOf(h.toUpperCase()), null);
  await assert.rejects(cache.ensure('   '), /empty/);
});

test('the media URI names the hash under the URL Asterisk reaches', async () => {
  const cache = new SpeechCache(tempDir('tts-cache'), new CountingEngine('it'));
  const tts = new HttpServedSpeech(cache, () => 'http://127.0.0.1:8080/');
  assert.equal(
    await tts.mediaFor('Ciao'),
    `sound:http://127.0.0.1:8080/media/tts/${speechHash('it', 'Ciao')}.wav`,
  );
  assert.equal(reachableListenUrl('http://0.0.0.0:8080'), 'http://127.0.0.1:8080');
  assert.equal(reachableListenUrl('http://:::8080'), 'http://127.0.0.1:8080');
  assert.equal(reachableListenUrl('http://10.0.0.5:8080'), 'http://10.0.0.5:8080');
});
