// HubSpot webhooks: signed batches of 100 events (10% redeliveries) posted to the real sidecar.
//   webhook_events_per_s — events verified (v3), validated, de-duplicated and stored per second,
//                          at full speed with BENCH_WEBHOOK_CONCURRENCY requests in flight
//   webhook_ack_p99_ms   — request → 200 at an offered 2,000 events/s (20 batches/s)
import { createHmac, randomBytes } from 'node:crypto';
import { loadConfig } from '../../../sidecar/src/config.ts';
import { startSidecar } from '../../../sidecar/src/main.ts';
import { WebhookInboxEntity } from '../../../sidecar/src/webhooks/entities.ts';
import { percentile, type BenchContext, type BenchRow } from '../bench-kit.ts';

export const metrics = [
  'webhook_events_per_s',
  'webhook_ack_p99_ms',
  'webhook_ack_p50_ms',
  'webhook_duplicates_stored',
  'webhook_processed_per_s',
];

const BATCHES = Number(process.env.BENCH_WEBHOOK_BATCHES ?? 300);
const CONCURRENCY = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 8);
const PACED_SECONDS = Number(process.env.BENCH_WEBHOOK_PACED_S ?? 10);
export const settings = `BENCH_WEBHOOK_BATCHES=${BATCHES} BENCH_WEBHOOK_CONCURRENCY=${CONCURRENCY} BENCH_WEBHOOK_PACED_S=${PACED_SECONDS}`;

export async function run({ asterisk, command }: BenchContext): Promise<BenchRow[]> {
  const secret = randomBytes(16).toString('hex');
  const sidecar = await startSidecar(
    loadConfig({
      PORT: '0',
      LOG_LEVEL: 'warn',
      ARI_URL: asterisk.ariUrl,
      ARI_APP: 'bench_webhooks',
      DATABASE_URL:
        process.env.DATABASE_URL ?? `sqlite:/tmp/centralino-bench-webhooks-${Date.now()}.sqlite`,
      HUBSPOT_CLIENT_SECRET: secret,
      // Measure intake alone: the worker would compete for the same database and CPU.
      WEBHOOK_POLL_MS: '600000',
    }),
  );
  await sidecar.hubspotApp.inboxWorker?.stop();
  const url = `${sidecar.url}/webhooks/hubspot`;
  let eventSeq = 0;
  let previous: object[] = [];
  const batch = () => {
    const events: object[] = [];
    // 10% of each batch are redeliveries of the previous batch's events.
    for (const e of previous.slice(0, 10)) events.push({ ...e, attemptNumber: 1 });
    while (events.length < 100) {
      eventSeq += 1;
      events.push({
        eventId: eventSeq,
        subscriptionId: 1,
        portalId: 1000 + (eventSeq % 20),
        appId: 1,
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: eventSeq % 5000,
        propertyName: 'firstname',
        propertyValue: 'Bench',
        changeSource: 'CRM_UI',
      });
    }
    previous = events.slice(10);
    return events;
  };
  const post = async (events: object[]) => {
    const body = JSON.stringify(events);
    const ts = Date.now();
    const signature = createHmac('sha256', secret)
      .update(`POST${url}${body}${ts}`)
      .digest('base64');
    const started = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(ts),
      },
      body,
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    return performance.now() - started;
  };

  // Warm-up (JIT, prepared statements).
  for (let i = 0; i < 10; i++) await post(batch());

  // Throughput: BATCHES requests, CONCURRENCY in flight.
  const bodies = Array.from({ length: BATCHES }, batch);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) await post(bodies[next++]!);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const eventsPerSecond = (BATCHES * 100) / seconds;

  // Ack latency at the target rate: 20 batches of 100 per second.
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < PACED_SECONDS * 20; i++) {
    const due = start + i * 50;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const events = batch();
    pending.push(post(events).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(pending);

  const stored = await sidecar.ds.getRepository(WebhookInboxEntity).count();
  const duplicatesStored = stored - eventSeq;

  // Then the worker drains the inbox (claim in occurredAt order, handler, mark done).
  const worker = sidecar.hubspotApp.inboxWorker!;
  let processedCount = 0;
  const drained = new Promise<void>((resolve) => {
    worker.on('processed', () => {
      processedCount += 1;
      if (processedCount === stored) resolve();
    });
  });
  const d0 = performance.now();
  worker.start();
  await drained;
  const processedPerSecond = stored / ((performance.now() - d0) / 1000);
  await sidecar.shutdown();
  const row = (metric: string, value: number, unit: string, target: string): BenchRow => ({
    metric,
    value: Math.round(value * 10) / 10,
    unit,
    target,
    command,
  });
  return [
    row('webhook_events_per_s', eventsPerSecond, 'events/s', '>= 2000'),
    row('webhook_ack_p99_ms', percentile(latencies, 99), 'ms', '<= 200'),
    row('webhook_ack_p50_ms', percentile(latencies, 50), 'ms', 'report'),
    row('webhook_duplicates_stored', duplicatesStored, 'events', '0'),
    row('webhook_processed_per_s', processedPerSecond, 'events/s', 'report'),
  ];
}
