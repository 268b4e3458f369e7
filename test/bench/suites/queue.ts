// ACD: routing overhead into a queue (StasisStart of the caller → agent leg dialled) at a
// paced rate with a warm CRM cache, memory with 300 callers waiting in queues, and ARI event
// lag (Asterisk's event timestamp → our handler) during both runs. Agents are Local channels
// (Local/answer@test-callee/n): SIPp at 20 new calls/s with one UAS per agent is more than this
// 2-core machine can run next to Asterisk, and the routing path is identical for both.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Client } from 'ari-client';
import { placeCall } from '../../../asterisk/caller.ts';
import { loadConfig } from '../../../sidecar/src/config.ts';
import { startSidecar } from '../../../sidecar/src/main.ts';
import { createHubSpotSandbox } from '../../../sandbox/src/hubspot/index.ts';
import { percentile, type BenchContext, type BenchRow } from '../bench-kit.ts';

export const metrics = [
  'queue_routing_overhead_p50_ms',
  'queue_routing_overhead_p99_ms',
  'queue_routing_calls',
  'queue_300_calls_rss_mb',
  'event_lag_p99_ms',
  'event_lag_paced_p99_ms',
  'event_loop_delay_p99_ms',
];

const CALLS = Number(process.env.BENCH_QUEUE_CALLS ?? 500);
const CPS = Number(process.env.BENCH_QUEUE_CPS ?? 20);
const WAITING = Number(process.env.BENCH_QUEUE_WAITING ?? 300);
const AGENTS = 60;
export const settings = `BENCH_QUEUE_CALLS=${CALLS} BENCH_QUEUE_CPS=${CPS} BENCH_QUEUE_WAITING=${WAITING}`;

const CALLER = '+390577111222';
/** What a carrier trunk sends; the agent legs take it too (they are originated for the caller). */
const CODEC = 'ulaw';

export async function run({ asterisk, command }: BenchContext): Promise<BenchRow[]> {
  const hubspot = createHubSpotSandbox({ defaultPortal: { portalId: 778 } });
  const crm = await hubspot.listen(0);
  const portal = hubspot.defaultPortal!;
  hubspot.seedObject(portal.portalId, 'contacts', {
    properties: { firstname: 'Bench', phone: CALLER },
  });

  const dialled: number[] = [];
  let results = 0;
  let waiting = 0;
  const notify: { until(): boolean; resolve(): void }[] = [];
  const check = () => {
    for (const n of [...notify])
      if (n.until()) {
        notify.splice(notify.indexOf(n), 1);
        n.resolve();
      }
  };
  const when = (until: () => boolean) =>
    new Promise<void>((resolve) => {
      notify.push({ until, resolve });
      check();
    });

  const sidecar = await startSidecar(
    loadConfig({
      PORT: '0',
      LOG_LEVEL: 'warn',
      ARI_URL: asterisk.ariUrl,
      ARI_APP: 'benchq',
      DATABASE_URL:
        process.env.DATABASE_URL ?? `sqlite:/tmp/centralino-bench-queue-${Date.now()}.sqlite`,
      HUBSPOT_API_BASE_URL: crm.url,
      HUBSPOT_ACCESS_TOKEN: portal.accessToken,
      HUBSPOT_PORTAL_ID: String(portal.portalId),
      OUTBOX_POLL_MS: '50',
    }),
    {
      acd: {
        hooks: {
          onAgentDialled: (ms) => dialled.push(ms),
          onWaiting: () => {
            waiting += 1;
            check();
          },
          onResult: () => {
            results += 1;
            check();
          },
        },
      },
    },
  );
  await sidecar.telephony.whenConnected();
  const ari = {
    url: asterisk.ariUrl,
    username: asterisk.ariUsername,
    password: asterisk.ariPassword,
  };
  /** One scripted caller from CALLER, in ulaw (CODEC), into the bench's application. */
  const call = (to: string, holdSeconds: number) =>
    placeCall(ari, { from: CALLER, to, app: 'benchq', holdSeconds, formats: CODEC });
  const portalId = String(portal.portalId);
  const { admin, presence } = sidecar.acd;

  // ARI event lag: Asterisk stamps each event when it emits it; we take the time our
  // client-level listener runs (the telephony dispatcher's listener ran just before it).
  let lags: number[] = [];
  (sidecar.telephony.client() as Client & NodeJS.EventEmitter).on(
    '*',
    (e: { timestamp?: string }) => {
      if (e.timestamp) lags.push(Date.now() - Date.parse(e.timestamp));
    },
  );

  const agentIds: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const row = await admin.createAgent(portalId, {
      number: String(500 + i),
      name: `Bench ${i}`,
      pin: '1234',
      dial: 'Local/answer@test-callee/n',
    });
    agentIds.push(row.id);
    await presence.login(portalId, row.id);
  }
  const common = {
    strategy: 'longest-idle',
    record: false,
    announceSeconds: 0,
    maxWaitSeconds: 600,
  };
  await admin.putQueue(portalId, 'bench', {
    ...common,
    name: 'bench',
    number: '0577900900',
    members: agentIds.map((agentId) => ({ agentId })),
  });
  // The waiting run: its one agent is paused (logged in), so callers wait.
  const holder = await admin.createAgent(portalId, {
    number: '499',
    name: 'Holder',
    pin: '1234',
    dial: 'Local/answer@test-callee/n',
  });
  await presence.login(portalId, holder.id);
  await presence.pause(portalId, holder.id, 'bench');
  await admin.putQueue(portalId, 'hold', {
    ...common,
    name: 'hold',
    number: '0577900901',
    members: [{ agentId: holder.id }],
  });

  // Warm the CRM cache (and the JIT) with a few calls first.
  for (let i = 0; i < 3; i++) {
    const target = results + 1;
    await call('0577900900', 0.5);
    await when(() => results >= target);
  }
  dialled.length = 0;
  lags = [];

  // Paced run: CALLS new calls at CPS per second, each talks ~1 s with an agent.
  const base = results;
  const start = Date.now();
  for (let i = 0; i < CALLS; i++) {
    const due = start + (i * 1000) / CPS;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    void call('0577900900', 1);
  }
  await when(() => results >= base + CALLS);
  const routing = [...dialled];
  const pacedLag = percentile(lags, 99);
  lags = [];

  // Waiting run: WAITING callers arrive at CPS per second and wait in the queue together.
  const waitingBase = waiting;
  const holdSeconds = 30;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const waitStart = Date.now();
  for (let i = 0; i < WAITING; i++) {
    const due = waitStart + (i * 1000) / CPS;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    void call('0577900901', holdSeconds);
  }
  await when(() => waiting >= waitingBase + WAITING);
  const waitingNow = sidecar.acd.queues.waitingCount();
  const rss = process.memoryUsage().rss / 2 ** 20;
  const resultsBase = results;
  await when(() => results >= resultsBase + WAITING);
  const waitingLag = percentile(lags, 99);
  loop.disable();
  const loopP99 = loop.percentile(99) / 1e6;

  const rows: BenchRow[] = [
    {
      metric: 'queue_routing_overhead_p50_ms',
      value: percentile(routing, 50),
      unit: 'ms',
      target: 'report',
      command,
    },
    {
      metric: 'queue_routing_overhead_p99_ms',
      value: percentile(routing, 99),
      unit: 'ms',
      target: '<= 15',
      command,
    },
    {
      metric: 'queue_routing_calls',
      value: routing.length,
      unit: `calls at ${CPS}/s`,
      target: '>= 500',
      command,
    },
    {
      metric: 'queue_300_calls_rss_mb',
      value: +rss.toFixed(0),
      unit: `MB (${waitingNow} waiting)`,
      target: '<= 400',
      command,
    },
    {
      metric: 'event_lag_p99_ms',
      value: waitingLag,
      unit: `ms (${WAITING} waiting)`,
      target: '<= 100',
      command,
    },
    {
      // How long an event that reached the socket can wait for its handler: the event loop.
      metric: 'event_loop_delay_p99_ms',
      value: +loopP99.toFixed(1),
      unit: `ms (${WAITING} waiting)`,
      target: 'report',
      command,
    },
    {
      metric: 'event_lag_paced_p99_ms',
      value: pacedLag,
      unit: `ms (${CPS} calls/s)`,
      target: 'report',
      command,
    },
  ];
  await sidecar.shutdown();
  await crm.close();
  return rows;
}
