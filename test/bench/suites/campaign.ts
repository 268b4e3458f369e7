// Outbound campaign dialler: BENCH_CAMPAIGN_CONTACTS contacts (default 10,000) on 30 lines, two
// sidecars sharing one database and one campaign. Recipients are [test-recipient] Local
// channels (last digit 6: answers at once, says hello); the autoinformer message is one short
// prompt, so a call lasts about 1 s.
import { AsteriskSandbox } from '../../../asterisk/sandbox.ts';
import { loadConfig } from '../../../sidecar/src/config.ts';
import { campaignDefinitionSchema } from '../../../sidecar/src/campaigns/definition.ts';
import { windowAt } from '../../../sidecar/src/campaigns/windows.ts';
import type { DialObserver } from '../../../sidecar/src/campaigns/dialer.ts';
import { startSidecar } from '../../../sidecar/src/main.ts';
import type { BenchContext, BenchRow } from '../bench-kit.ts';

export const metrics = [
  'campaign_line_utilisation',
  'campaign_duplicate_dials',
  'campaign_calls_outside_window',
  'campaign_sched_overhead_ms_per_contact',
  'campaign_rss_mb_start',
  'campaign_rss_mb_end',
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

export async function run({ command }: BenchContext): Promise<BenchRow[]> {
  const asterisk = campaignAsterisk();
  await asterisk.start();
  try {
    return await measure(asterisk, command);
  } finally {
    await asterisk.stop();
  }
}

async function measure(asterisk: AsteriskSandbox, command: string): Promise<BenchRow[]> {
  const db =
    process.env.DATABASE_URL ?? `sqlite:/tmp/centralino-bench-campaign-${Date.now()}.sqlite`;
  let active = 0;
  const dialsPerTarget = new Map<string, number>();
  const dialTimes: { at: number; phone: string }[] = [];
  let hangups = 0;
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
        OUTBOX_POLL_MS: '600000',
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
  const campaign = await a.campaigns.service.create('1', def);
  const rows = Array.from({ length: CONTACTS }, (_, i) => ({
    phone: `+3905772${String(i).padStart(5, '0')}06`,
  }));
  const added = await a.campaigns.service.addContacts('1', campaign.id, rows);
  if (added.added !== CONTACTS) throw new Error(`only ${added.added} contacts loaded`);

  const rssStart = process.memoryUsage().rss / 1e6;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  // Sample busy lines every 100 ms while contacts are still due (until the last dial).
  const samples: number[] = [];
  const sampler = setInterval(() => {
    if (dialTimes.length < CONTACTS) samples.push(active);
  }, 100);
  await a.campaigns.service.act('1', campaign.id, 'start');
  await finished;
  clearInterval(sampler);
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rssEnd = process.memoryUsage().rss / 1e6;
  await Promise.all([a.shutdown(), b.shutdown()]);

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
    // Whole process CPU (both sidecars: ARI events, database, dialler) per contact: an upper
    // bound of the scheduler's own share.
    row(
      'campaign_sched_overhead_ms_per_contact',
      (cpu.user + cpu.system) / 1000 / CONTACTS,
      'ms',
      '< 2',
    ),
    row('campaign_rss_mb_start', rssStart, 'MB', 'report'),
    row('campaign_rss_mb_end', rssEnd, 'MB', 'flat'),
    row('campaign_run_seconds', seconds, 's', 'report'),
  ];
}
