// IVR menu → queue through the sidecar, against the same menu written in plain dialplan on the
// same Asterisk, same run. The "queue" is a stand-in on both sides (a beep, then hang-up): this
// measures what the flow engine costs, not the ACD (which reports its own queue metrics).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CallQueues } from '../../../sidecar/src/acd/port.ts';
import { loadConfig } from '../../../sidecar/src/config.ts';
import { startSidecar } from '../../../sidecar/src/main.ts';
import type { BenchContext, BenchRow } from '../bench-kit.ts';
import {
  benchAri,
  callsPerSecond,
  comparisonRows,
  oneCall,
  writeMenuToQueueFlows,
} from '../scripted-callers.ts';

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

export async function run({ asterisk, command }: BenchContext): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'centralino-bench-ivr-'));
  const flowsFile = writeMenuToQueueFlows(dir);

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
  const ari = benchAri(asterisk);
  const app = 'bench-ivr';
  await oneCall(ari, 'Local/0577235510@test-inbound/n', app); // warm-up
  const viaSidecar = await callsPerSecond(
    ari,
    'Local/0577235510@test-inbound/n',
    app,
    CALLS,
    CONCURRENCY,
  );
  const plain = await callsPerSecond(ari, 'Local/0577235510@plain-ivr/n', app, CALLS, CONCURRENCY);
  await sidecar.shutdown();
  return comparisonRows('ivr_menu', viaSidecar, plain, command);
}
