// Basic inbound path: lookup, answer, greeting, hangup, record, write to the CRM.
import { placeCall } from '../../../asterisk/caller.ts';
import { loadConfig } from '../../../sidecar/src/config.ts';
import type { FinishedCall } from '../../../sidecar/src/domain/call.ts';
import { startSidecar } from '../../../sidecar/src/main.ts';
import { createHubSpotSandbox } from '../../../sandbox/src/hubspot/index.ts';
import { percentile, type BenchContext, type BenchRow } from '../bench-kit.ts';

export const metrics = [
  'inbound_cps',
  'routing_overhead_p50_ms',
  'routing_overhead_p99_ms',
  'call_to_timeline_p95_s',
  'routing_overhead_calls',
  'inbound_calls_written_to_crm',
  'sidecar_rss_mb_after_run',
];

const CALLS = Number(process.env.BENCH_CALLS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 30);
/** Offered load for the routing-overhead run: new calls per second, as a real trunk sends them. */
const PACED_CPS = Number(process.env.BENCH_PACED_CPS ?? 20);
export const settings = `BENCH_CALLS=${CALLS} BENCH_PACED_CPS=${PACED_CPS} BENCH_CONCURRENCY=${CONCURRENCY}`;

export async function run({ asterisk, command }: BenchContext): Promise<BenchRow[]> {
  const hubspot = createHubSpotSandbox({ defaultPortal: { portalId: 777 } });
  const crm = await hubspot.listen(0);
  const portal = hubspot.defaultPortal!;
  hubspot.seedObject(portal.portalId, 'contacts', {
    properties: { firstname: 'Bench', phone: '+390577111222' },
  });

  const sidecar = await startSidecar(
    loadConfig({
      PORT: '0',
      LOG_LEVEL: 'warn',
      ARI_URL: asterisk.ariUrl,
      ARI_APP: 'bench',
      DATABASE_URL: process.env.DATABASE_URL ?? `sqlite:/tmp/centralino-bench-${Date.now()}.sqlite`,
      HUBSPOT_API_BASE_URL: crm.url,
      HUBSPOT_ACCESS_TOKEN: portal.accessToken,
      HUBSPOT_PORTAL_ID: String(portal.portalId),
      GREETING_MEDIA: 'sound:beep',
      OUTBOX_POLL_MS: '20',
    }),
  );
  await sidecar.telephony.whenConnected();
  const ari = {
    url: asterisk.ariUrl,
    username: asterisk.ariUsername,
    password: asterisk.ariPassword,
  };

  const delivered = new Map<string, number>();
  sidecar.outbox.on('delivered', (row) =>
    delivered.set(row.dedupeKey.slice('call:'.length), Date.now()),
  );
  const logged: FinishedCall[] = [];
  let waiters: { n: number; resolve(): void }[] = [];
  sidecar.onCallLogged((c) => {
    logged.push(c);
    waiters = waiters.filter((w) => (logged.length >= w.n ? (w.resolve(), false) : true));
  });
  const waitLogged = (n: number) =>
    new Promise<void>((resolve) => {
      if (logged.length >= n) resolve();
      else waiters.push({ n, resolve });
    });

  // Warm the CRM cache with one call. Then two runs: CALLS calls at PACED_CPS new calls per
  // second (routing overhead under a realistic offered load), and CALLS calls kept CONCURRENCY
  // at a time (the ceiling, calls/s).
  await placeCall(ari, { from: '+390577111222', to: '0577235501', app: 'bench' });
  await waitLogged(1);
  logged.length = 0;

  const pacedStart = Date.now();
  for (let i = 0; i < CALLS; i++) {
    const due = pacedStart + (i * 1000) / PACED_CPS;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    void placeCall(ari, { from: '+390577111222', to: '0577235501', app: 'bench' });
  }
  await waitLogged(CALLS);
  const paced = logged.splice(0, logged.length);

  const started = Date.now();
  let placed = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (placed < CALLS) {
        placed += 1;
        const target = logged.length + 1;
        await placeCall(ari, { from: '+390577111222', to: '0577235501', app: 'bench' });
        await waitLogged(Math.min(target, CALLS));
      }
    }),
  );
  await waitLogged(CALLS);
  const elapsedS = (Date.now() - started) / 1000;
  const all = [...paced, ...logged];
  const deadline = Date.now() + 60_000;
  while (delivered.size < all.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));

  const routing = paced
    .filter((c) => c.answeredAt !== null)
    .map((c) => c.answeredAt! - c.startedAt);
  const toTimeline = all
    .filter((c) => delivered.has(c.id))
    .map((c) => (delivered.get(c.id)! - c.endedAt) / 1000);
  const rss = process.memoryUsage().rss / 2 ** 20;

  const rows: BenchRow[] = [
    {
      metric: 'inbound_cps',
      value: +(logged.length / elapsedS).toFixed(1),
      unit: 'calls/s',
      target: 'report',
      command,
    },
    {
      metric: 'routing_overhead_p50_ms',
      value: percentile(routing, 50),
      unit: 'ms',
      target: 'report',
      command,
    },
    {
      metric: 'routing_overhead_p99_ms',
      value: percentile(routing, 99),
      unit: 'ms',
      target: 'report',
      command,
    },
    {
      // Over both runs; the ceiling run offers more calls/s than HubSpot's write budget allows
      // with one call per request, so this measures queueing under the rate limit.
      metric: 'call_to_timeline_p95_s',
      value: +percentile(toTimeline, 95).toFixed(2),
      unit: 's',
      target: '<= 2',
      command,
    },
    {
      metric: 'routing_overhead_calls',
      value: routing.length,
      unit: `calls at ${PACED_CPS}/s`,
      target: '>= 500',
      command,
    },
    {
      metric: 'inbound_calls_written_to_crm',
      value: toTimeline.length,
      unit: 'calls',
      target: `= ${all.length}`,
      command,
    },
    {
      metric: 'sidecar_rss_mb_after_run',
      value: +rss.toFixed(0),
      unit: 'MB',
      target: 'report',
      command,
    },
  ];
  await sidecar.shutdown();
  await crm.close();
  return rows;
}
