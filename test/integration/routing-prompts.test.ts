// Every prompt the shipped flows file and the node defaults name exists in the Asterisk
// sandbox, so `npm start` callers never hit a failed playback (silence).
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SANDBOX_ROOT } from '../../asterisk/sandbox.ts';
import { readFlowsFile } from '../../sidecar/src/routing/flow-store.ts';
import { parseFlows } from '../../sidecar/src/routing/flow-schema.ts';
import { dateMedia } from '../../sidecar/src/routing/nodes/basic.ts';

/** Follows symlinks as the chroot sees them (absolute links point inside the root). */
function inRoot(p: string): string {
  let host = path.join(SANDBOX_ROOT, p);
  for (let i = 0; i < 10 && lstatSync(host).isSymbolicLink(); i++) {
    const target = readlinkSync(host);
    host = path.isAbsolute(target)
      ? path.join(SANDBOX_ROOT, target)
      : path.resolve(path.dirname(host), target);
  }
  return host;
}
const soundsDir = inRoot('usr/share/asterisk/sounds/en');

function sounds(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string' && value.startsWith('sound:')) out.add(value.slice(6));
  else if (Array.isArray(value)) for (const v of value) sounds(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) sounds(v, out);
  return out;
}

test('prompts of the shipped flows and of node defaults exist', async () => {
  const shipped = await readFlowsFile(
    new URL('../../sidecar/flows.yaml', import.meta.url).pathname,
  );
  const defaults = parseFlows({
    default: 'd',
    flows: {
      d: [
        { type: 'menu', prompt: 'sound:beep', options: {}, fallback: [] },
        { type: 'support-gate', paid: [], other: [], fallback: [] },
        { type: 'pickup' },
      ],
    },
  });
  const names = sounds(defaults, sounds(shipped, new Set()));
  names.add('vm-intro').add('vm-goodbye').add('pbx-parkingfailed');
  // `say date` over a whole year: every weekday and month prompt.
  for (let m = 1; m <= 12; m++)
    sounds(dateMedia(`2026-${String(m).padStart(2, '0')}-0${(m % 7) + 1}`), names);
  assert.ok(names.size > 8);
  const missing = [...names].filter(
    (n) => !['gsm', 'wav', 'ulaw'].some((ext) => existsSync(path.join(soundsDir, `${n}.${ext}`))),
  );
  assert.deepEqual(missing, []);
});
