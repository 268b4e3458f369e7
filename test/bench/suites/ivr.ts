// IVR menu → queue through the sidecar, against the same menu written in plain dialplan on the
// same Asterisk, same run. The "queue" is a stand-in on both sides (a beep, then hang-up): this
// measures what the flow engine costs, not the ACD (which reports its own queue metrics).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { CallQueues } from '../../../sidecar/src/acd/port.ts';
import { loadConfig } from '../../../sidecar/src/config.ts';
import { startSidecar } from '../../../sidecar/src/main.ts';
import type { BenchContext, BenchRow } from '../bench-kit.ts';

export const metrics = ['ivr_menu_cps_ratio_vs_dialplan', 'ivr_menu_cps', 'ivr_menu_dialplan_cps'];
const CALLS = Number(process.env.BENCH_IVR_CALLS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 30);
export const settings = `BENCH_IVR_CALLS=${CALLS} BENCH_CONCURRENCY=${CONCURRENCY}`;

const beepQueue: CallQueues = {
  has: () => true,
  async enqueue(e) {
    await e.call.play('sound:beep');
    return { kind: 'answered', agentId: 'bench', waitMs: 0, talkMs: 0 };
  },
};

interface Ari {
  url: string;
  auth: string;
}

/** Places one scripted caller pressing 1 and resolves when its channel is gone. */
async function oneCall(ari: Ari, endpoint: string): Promise<void> {
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
      variables: {
        CALLER_NUM: '+390577111222',
        DIGITS: '1',
        HOLD_S: '10',
        CENTRALINO_APP: 'bench-ivr',
      },
    }),
  });
  if (!res.ok) throw new Error(`originate: ${res.status}`);
  // Both variants are measured the same way: poll until the caller's channel is gone.
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const r = await fetch(`${ari.url}/ari/channels/${id}`, {
      headers: { authorization: ari.auth },
    });
    await r.arrayBuffer();
    if (r.status === 404) return;
  }
}

async function cps(ari: Ari, endpoint: (i: number) => string): Promise<number> {
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) await oneCall(ari, endpoint(next++));
    }),
  );
  return CALLS / ((Date.now() - started) / 1000);
}

export async function run({ asterisk, command }: BenchContext): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'centralino-bench-ivr-'));
  const flowsFile = path.join(dir, 'flows.yaml');
  writeFileSync(
    flowsFile,
    stringify({
      queues: ['sales'],
      default: 'ivr',
      flows: {
        ivr: [
          {
            type: 'menu',
            prompt: 'sound:beep',
            timeoutMs: 3000,
            retries: 0,
            options: { '1': [{ type: 'queue', queue: 'sales', overflow: [{ type: 'hangup' }] }] },
            fallback: [{ type: 'hangup' }],
          },
        ],
      },
    }),
  );
  const sidecar = await startSidecar(
    loadConfig({
      PORT: '0',
      LOG_LEVEL: 'warn',
      ARI_URL: asterisk.ariUrl,
      ARI_APP: 'bench-ivr',
      DATABASE_URL: process.env.DATABASE_URL ?? `sqlite:${dir}/bench.sqlite`,
      DATA_DIR: dir,
      FLOWS_FILE: flowsFile,
      FLOWS_WATCH: 'false',
      OUTBOX_POLL_MS: '1000',
    }),
    { queues: beepQueue },
  );
  await sidecar.telephony.whenConnected();
  const ari = {
    url: asterisk.ariUrl,
    auth: `Basic ${Buffer.from(`${asterisk.ariUsername}:${asterisk.ariPassword}`).toString('base64')}`,
  };
  await oneCall(ari, 'Local/0577235510@test-inbound/n'); // warm-up
  const viaSidecar = await cps(ari, () => 'Local/0577235510@test-inbound/n');
  const plain = await cps(ari, () => 'Local/0577235510@plain-ivr/n');
  await sidecar.shutdown();
  return [
    {
      metric: 'ivr_menu_cps_ratio_vs_dialplan',
      value: +(viaSidecar / plain).toFixed(3),
      unit: 'ratio',
      target: '>= 0.7',
      command,
    },
    {
      metric: 'ivr_menu_cps',
      value: +viaSidecar.toFixed(2),
      unit: 'calls/s',
      target: 'report',
      command,
    },
    {
      metric: 'ivr_menu_dialplan_cps',
      value: +plain.toFixed(2),
      unit: 'calls/s',
      target: 'report',
      command,
    },
  ];
}
