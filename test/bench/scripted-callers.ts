// Callers (and the shared flows file and result rows) for the IVR benches: each presses 1 at the menu, and a run keeps CONCURRENCY of them
// on the line until CALLS are done. The sidecar and the plain-dialplan twin are measured the
// same way: a call counts once the caller's channel is gone.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { BenchRow } from './bench-kit.ts';

export interface BenchAri {
  url: string;
  auth: string;
}

export function benchAri(a: { ariUrl: string; ariUsername: string; ariPassword: string }) {
  return {
    url: a.ariUrl,
    auth: `Basic ${Buffer.from(`${a.ariUsername}:${a.ariPassword}`).toString('base64')}`,
  };
}

/** Places one scripted caller pressing 1 and resolves when its channel is gone. */
export async function oneCall(ari: BenchAri, endpoint: string, app: string): Promise<void> {
  const id = randomUUID();
  const q = new URLSearchParams({
    endpoint,
    context: 'test-caller',
    extension: 's',
    priority: '1',
    callerId: '"" <+390577111222>',
    channelId: id,
    timeout: '30',
  });
  const res = await fetch(`${ari.url}/ari/channels?${q.toString()}`, {
    method: 'POST',
    headers: { authorization: ari.auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      variables: { CALLER_NUM: '+390577111222', DIGITS: '1', HOLD_S: '10', CENTRALINO_APP: app },
    }),
  });
  if (!res.ok) throw new Error(`originate: ${res.status}`);
  // Polled (a channel of ours elsewhere has no event here), the same way for both variants.
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const r = await fetch(`${ari.url}/ari/channels/${id}`, {
      headers: { authorization: ari.auth },
    });
    await r.arrayBuffer();
    if (r.status === 404) return;
  }
}

/** Calls per second: `calls` callers, `concurrency` at a time, into `endpoint`. */
export async function callsPerSecond(
  ari: BenchAri,
  endpoint: string,
  app: string,
  calls: number,
  concurrency: number,
): Promise<number> {
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await oneCall(ari, endpoint, app);
    }),
  );
  return calls / ((Date.now() - started) / 1000);
}

/**
 * The flows file both IVR benches run: the menu prompt, key 1 → queue `sales` (hang up on
 * overflow), anything else → hang up. Returns its path in `dir`.
 */
export function writeMenuToQueueFlows(dir: string): string {
  const file = path.join(dir, 'flows.yaml');
  const toQueue = [{ type: 'queue', queue: 'sales', overflow: [{ type: 'hangup' }] }];
  const menu = {
    type: 'menu',
    prompt: 'sound:beep',
    timeoutMs: 3000,
    retries: 0,
    options: { '1': toQueue },
    fallback: [{ type: 'hangup' }],
  };
  writeFileSync(file, stringify({ queues: ['sales'], default: 'ivr', flows: { ivr: [menu] } }));
  return file;
}

/** The three rows of a sidecar-vs-dialplan throughput comparison. */
export function comparisonRows(
  prefix: string,
  viaSidecar: number,
  plain: number,
  command: string,
  sidecarUnit = 'calls/s',
): BenchRow[] {
  return [
    {
      metric: `${prefix}_cps_ratio_vs_dialplan`,
      value: +(viaSidecar / plain).toFixed(3),
      unit: 'ratio',
      target: '>= 0.7',
      command,
    },
    {
      metric: `${prefix}_cps`,
      value: +viaSidecar.toFixed(2),
      unit: sidecarUnit,
      target: 'report',
      command,
    },
    {
      metric: `${prefix}_dialplan_cps`,
      value: +plain.toFixed(2),
      unit: 'calls/s',
      target: 'report',
      command,
    },
  ];
}
