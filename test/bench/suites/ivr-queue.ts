// IVR menu → queue → agent, end to end: through the sidecar (flow engine + the real ACD) against
// the same flow in plain dialplan with app_queue ([plain-ivr-queue], queues.conf bench-plain),
// same Asterisk, same run. Both sides' agents are the same scripted Local channels
// ([bench-agents]: answer, talk a second, hang up), so the ratio shows what the sidecar's
// routing and ACD cost in throughput.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

export const metrics = [
  'ivr_queue_cps_ratio_vs_dialplan',
  'ivr_queue_cps',
  'ivr_queue_dialplan_cps',
];
const CALLS = Number(process.env.BENCH_IVR_QUEUE_CALLS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 30);
/** As many as queues.conf's bench-plain has members. */
const AGENTS = 40;
export const settings = `BENCH_IVR_QUEUE_CALLS=${CALLS} BENCH_CONCURRENCY=${CONCURRENCY}`;

export async function run({ asterisk, command }: BenchContext): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'centralino-bench-ivrq-'));
  const flowsFile = writeMenuToQueueFlows(dir);

  const app = 'bench-ivrq';
  const portalId = '779';
  const sidecar = await startSidecar(
    loadConfig({
      PORT: '0',
      // Calls go to no CRM here: their deferred CRM writes would flood a 'warn' log.
      LOG_LEVEL: 'error',
      ARI_URL: asterisk.ariUrl,
      ARI_APP: app,
      HUBSPOT_PORTAL_ID: portalId,
      DATABASE_URL: process.env.DATABASE_URL ?? `sqlite:${dir}/bench.sqlite`,
      DATA_DIR: dir,
      FLOWS_FILE: flowsFile,
      FLOWS_WATCH: 'false',
      OUTBOX_POLL_MS: '1000',
    }),
  );
  await sidecar.telephony.whenConnected();
  const { admin, presence } = sidecar.acd;
  const members = [];
  for (let i = 0; i < AGENTS; i++) {
    const row = await admin.createAgent(portalId, {
      number: String(600 + i),
      name: `Bench ${i}`,
      pin: '1234',
      dial: `Local/agt${i}@bench-agents/n`,
    });
    await presence.login(portalId, row.id);
    members.push({ agentId: row.id });
  }
  // Like bench-plain: no recording, no announcements, agents free again at once.
  await admin.putQueue(portalId, 'sales', {
    name: 'sales',
    strategy: 'round-robin',
    record: false,
    announceSeconds: 0,
    wrapUpSeconds: 0,
    ringSeconds: 15,
    maxRings: 1,
    members,
  });

  const ari = benchAri(asterisk);
  const viaSidecarEndpoint = 'Local/0577235510@test-inbound/n';
  const plainEndpoint = 'Local/0577235510@plain-ivr-queue/n';
  await oneCall(ari, viaSidecarEndpoint, app); // warm-up, both sides
  await oneCall(ari, plainEndpoint, app);
  const viaSidecar = await callsPerSecond(ari, viaSidecarEndpoint, app, CALLS, CONCURRENCY);
  const plain = await callsPerSecond(ari, plainEndpoint, app, CALLS, CONCURRENCY);
  const answered = (
    await sidecar.acd.repo.callsBetween(portalId, 0, Date.now() + 1000, 'sales')
  ).filter((c) => c.outcome === 'answered').length;
  await sidecar.shutdown();
  return comparisonRows(
    'ivr_queue',
    viaSidecar,
    plain,
    command,
    `calls/s (${answered} answered by an agent)`,
  );
}
