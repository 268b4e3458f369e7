// Audio for tests that check what a caller heard: the scripted caller's recording (the
// LISTEN_NAME/LISTEN_S variables of [test-caller]) and Asterisk's own prompts decoded by
// Asterisk itself, both fetched over ARI as 8 kHz mono PCM.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { parseMonoWav, type PcmMono } from '../../sidecar/src/acd/domain/stereo-wav.ts';
import { ari, testAsterisk } from './env.ts';

const auth = `Basic ${Buffer.from(`${ari.username}:${ari.password}`).toString('base64')}`;

/** Fetches and deletes the ARI stored recording `name`. */
export async function takeStoredRecording(name: string): Promise<PcmMono> {
  const file = `${ari.url}/ari/recordings/stored/${encodeURIComponent(name)}`;
  const res = await fetch(`${file}/file`, { headers: { authorization: auth } });
  assert.equal(res.status, 200, `stored recording ${name}`);
  const wav = parseMonoWav(Buffer.from(await res.arrayBuffer()));
  await fetch(file, { method: 'DELETE', headers: { authorization: auth } });
  return wav;
}

/**
 * A prompt of the sandbox's English sounds (e.g. `queue-thereare`, `digits/1`) as Asterisk
 * decodes it when playing: `file convert` writes it into the stored recordings, read over ARI.
 */
export async function decodedPrompt(sound: string): Promise<PcmMono> {
  const asterisk = testAsterisk();
  const name = `prompt-${randomUUID()}`;
  const out = await asterisk.cli(
    `file convert /usr/share/asterisk/sounds/en/${sound}.gsm ${asterisk.instanceDir}/spool/recording/${name}.wav`,
  );
  assert.match(out, /Converted/, `file convert ${sound}: ${out}`);
  return takeStoredRecording(name);
}
