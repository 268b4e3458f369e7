// Outbound campaign dialler: BENCH_CAMPAIGN_CONTACTS contacts (default 10,000) on 30 lines, two
// sidecars sharing one database and one campaign. Recipients are [test-recipient] Local
// channels (last digit 6: answers at once, says hello); the autoinformer message is one short
// prompt, so a call lasts about 1 s.
import { AsteriskSandbox } from '../../../asterisk/sandbox.ts';
import { loadConfig } from '../../../sidecar/src/config.ts';
import { campaignDefinitionSchema } from '../../../sidecar/src/campaigns/definition.ts';
import { windowAt } from '../../../sidecar/src/campaigns/windows.ts';
import type { DialObserver } from '../../../sidecar/src/campaigns/dialer.ts';
import { wireCampaigns } from '../../../sidecar/src/campaigns/wire.ts';
import { startSidecar } from '../../../sidecar/src/main.ts';
import { createLogger } from '../../../sidecar/src/ops/logger.ts';
import { OutboxStore } from '../../../sidecar/src/outbox/outbox-store.ts';
import { systemClock } from '../../../sidecar/src/ports.ts';
import { openDataSource } from '../../../sidecar/src/store/data-source.ts';
import { InstantTelephony } from '../instant-telephony.ts';
import {
  startHubSpotSandboxProcess,
  type BenchContext,
  type BenchRow,
  type HubSpotSandboxProcess,
} from '../bench-kit.ts';

export const metrics = [
  'campaign_line_utilisation',
  'campaign_duplicate_dials',
  'campaign_calls_outside_window',
  'campaign_sched_overhead_ms_per_contact',
  'campaign_process_cpu_ms_per_contact',
  'campaign_rss_mb_start',
  'campaign_rss_mb_end',
  'campaign_heap_growth_mb',
  'campaign_run_seconds',
];

const CONTACTS = Number(process.env.BENCH_CAMPAIGN_CONTACTS ?? 10_000);
const LINES = 30;
export const settings = `BENCH_CAMPAIGN_CONTACTS=${CONTACTS}`;

/**
 * Its own Asterisk, so the run carries this checkout's [campaign-dial] and [test-recipient]
 * dialplan whatever the shared bench instance was started from; ports from the test slot's range.
 */
function campaignAsterisk(): AsteriskSandbox {
  const base = 41000 + 500 * Number(process.env.CENTRALINO_TEST_SLOT ?? 0);
  return new AsteriskSandbox({
    name: 'bench-campaign',
    ariPort: base + 490,
    sipPort: base + 491,
    trunkPeerPort: base + 492,
    rtpStart: 30000 + 2000 * Number(process.env.CENTRALINO_TEST_SLOT ?? 0),
  });
}

/** V8 heap still in use after a full collection (needs node --expose-gc, as `npm run bench`). */
function liveHeapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

export async function run({ command }: BenchContext): Promise<BenchRow[]> {
  const asterisk = campaignAsterisk();
  // The calls are written to a CRM, as in production (a sidecar without one retries every row).
  const crm = await startHubSpotSandboxProcess();
  await asterisk.start();
  try {
    return await measure(asterisk, crm, command);
  } finally {
    await asterisk.stop();
    await crm.close();
  }
}

async function measure(
  asterisk: AsteriskSandbox,
  crm: HubSpotSandboxProcess,
  command: string,
): Promise<BenchRow[]> {
  const db =
    process.env.DATABASE_URL ?? `sqlite:/tmp/centralino-bench-campaign-${Date.now()}.sqlite`;
  let active = 0;
  const dialsPerTarget = new Map<string, number>();
  const dialTimes: { at: number; phone: string }[] = [];
  let hangups = 0;
  let heapWarm = NaN;
  let allDone: () => void = () => undefined;
  const finished = new Promise<void>((r) => (allDone = r));
  const observer: DialObserver = {
    onDial: (e) => {
      active++;
      dialsPerTarget.set(e.targetId, (dialsPerTarget.get(e.targetId) ?? 0) + 1);
      dialTimes.push({ at: e.at, phone: e.phone });
    },
    onHangup: () => {
      active--;
      if (++hangups >= CONTACTS) allDone();
      // Live heap once the campaign is warm, to compare with the end: memory must stay flat.
      if (hangups === Math.ceil(CONTACTS / 10)) heapWarm = liveHeapMb();
    },
  };
  const start = (app: string) =>
    startSidecar(
      loadConfig({
        PORT: '0',
        LOG_LEVEL: 'warn',
        ARI_URL: asterisk.ariUrl,
        ARI_USERNAME: asterisk.ariUsername,
        ARI_PASSWORD: asterisk.ariPassword,
        ARI_APP: app,
        DATABASE_URL: db,
        CAMPAIGN_POLL_MS: '200',
        ...crm.env,
      }),
      { campaignObserver: observer },
    );
  const a = await start('bench_campaign_a');
  const b = await start('bench_campaign_b');
  await Promise.all([a.telephony.whenConnected(), b.telephony.whenConnected()]);
  const day = [{ from: '00:00', to: '24:00' }];
  const def = campaignDefinitionSchema.parse({
    name: 'bench',
    mode: 'autoinformer',
    message: [{ type: 'media', media: 'sound:beep' }],
    callerId: '+390577000000',
    maxLines: LINES,
    windows: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day },
  });
  const campaign = await a.campaigns.service.create(crm.portalId, def);
  const rows = Array.from({ length: CONTACTS }, (_, i) => ({
    phone: `+3905772${String(i).padStart(5, '0')}06`,
  }));
  const added = await a.campaigns.service.addContacts(crm.portalId, campaign.id, rows);
  if (added.added !== CONTACTS) throw new Error(`only ${added.added} contacts loaded`);

  const rssStart = process.memoryUsage().rss / 1e6;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  // Sample busy lines every 100 ms while contacts are still due (until the last dial).
  const samples: number[] = [];
  const sampler = setInterval(() => {
    if (dialTimes.length < CONTACTS) samples.push(active);
  }, 100);
  await a.campaigns.service.act(crm.portalId, campaign.id, 'start');
  await finished;
  clearInterval(sampler);
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rssEnd = process.memoryUsage().rss / 1e6;
  const heapEnd = liveHeapMb();
  await Promise.all([a.shutdown(), b.shutdown()]);
  const sched = await schedulerOnly(def);

  // Ramp-up (the first second) is excluded: lines cannot all be busy before the first answer.
  const steady = samples.slice(10);
  const utilisation = steady.reduce((s, v) => s + v, 0) / Math.max(1, steady.length) / LINES;
  const duplicates = [...dialsPerTarget.values()].filter((n) => n > 1).length;
  const outside = dialTimes.filter((d) => !windowAt(d.at, 'Europe/Rome', def).open).length;
  const row = (metric: string, value: number, unit: string, target: string): BenchRow => ({
    metric,
    value: Math.round(value * 1000) / 1000,
    unit,
    target,
    command: `${settings} ${command}`,
  });
  return [
    row('campaign_line_utilisation', utilisation, 'ratio', '>= 0.95'),
    row('campaign_duplicate_dials', duplicates, 'dials', '0'),
    row('campaign_calls_outside_window', outside, 'calls', '0'),
    row(
      'campaign_sched_overhead_ms_per_contact',
      sched.cpuMsPerContact,
      `ms CPU (dialer alone, calls answered at once; ${sched.contactsPerS.toFixed(0)} contacts/s)`,
      '< 2',
    ),
    // Everything both sidecars do per contact on real calls: ARI events and requests, the
    // dialer, the database, the CRM writes.
    row(
      'campaign_process_cpu_ms_per_contact',
      (cpu.user + cpu.system) / 1000 / CONTACTS,
      'ms CPU (both sidecars, real calls)',
      'report',
    ),
    row('campaign_rss_mb_start', rssStart, 'MB', 'report'),
    row('campaign_rss_mb_end', rssEnd, 'MB', 'report'),
    row(
      'campaign_heap_growth_mb',
      heapEnd - heapWarm,
      `MB live heap after GC, ${heapWarm.toFixed(0)} at 10 % → ${heapEnd.toFixed(0)} at the end`,
      'flat (< 20)',
    ),
    row('campaign_run_seconds', seconds, 's', 'report'),
  ];
}

/**
 * The scheduler's own CPU per contact: two dialers (as two processes would, each with its own
 * connection) share one database and run the same campaign on a telephony whose calls are
 * answered and finished at once, so what the process spends is pacing, claiming, screening
 * and recording attempts, not ARI.
 */
export async function schedulerOnly(
  def: ReturnType<typeof campaignDefinitionSchema.parse>,
  contacts = CONTACTS,
): Promise<{ cpuMsPerContact: number; contactsPerS: number }> {
  const db =
    process.env.DATABASE_URL ?? `sqlite:/tmp/centralino-bench-scheduler-${Date.now()}.sqlite`;
  const config = loadConfig({ DATABASE_URL: db, CAMPAIGN_POLL_MS: '200', LOG_LEVEL: 'silent' });
  let hangups = 0;
  let allDone: () => void = () => undefined;
  const finished = new Promise<void>((r) => (allDone = r));
  const dialers = await Promise.all(
    ['a', 'b'].map(async () => {
      const ds = await openDataSource(db, { migrate: true });
      const wiring = wireCampaigns({
        config,
        ds,
        telephony: new InstantTelephony(),
        outboxStore: new OutboxStore(ds, systemClock),
        nudgeOutbox: () => undefined,
        clock: systemClock,
        log: createLogger('silent'),
        observer: { onHangup: () => ++hangups >= contacts && allDone() },
      });
      return { ds, wiring };
    }),
  );
  const [first] = dialers;
  const campaign = await first!.wiring.service.create('1', def);
  const rows = Array.from({ length: contacts }, (_, i) => ({
    phone: `+3905773${String(i).padStart(5, '0')}06`,
  }));
  await first!.wiring.service.addContacts('1', campaign.id, rows);
  for (const d of dialers) d.wiring.start();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await first!.wiring.service.act('1', campaign.id, 'start');
  await finished;
  const cpu = process.cpuUsage(cpu0);
  const seconds = (Date.now() - t0) / 1000;
  for (const d of dialers) {
    await d.wiring.stop();
    await d.ds.destroy();
  }
  return {
    cpuMsPerContact: (cpu.user + cpu.system) / 1000 / contacts,
    contactsPerS: contacts / seconds,
  };
}
