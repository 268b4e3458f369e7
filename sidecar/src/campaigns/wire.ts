// Campaign wiring for the composition root: builds the service, the dialer, SMS outreach and
// the routes from the shared adapters; main.ts mounts the router and calls start/stop.
import { hostname } from 'node:os';
import type { Agenda } from 'agenda';
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import type { Clock, Logger } from '../ports.ts';
import { TwilioSms } from '../sms/twilio-sms.ts';
import { campaignSmsOver, type CampaignSms } from './sms-port.ts';
import type { Client } from 'ari-client';
import type { Telephony } from '../telephony/port.ts';
import { defineJob, JobStatus } from '../jobs/scheduler.ts';
import type { WorkflowActions } from '../actions/workflow-actions.ts';
import { CampaignService } from './campaign-service.ts';
import { enrollAction } from './enroll-action.ts';
import { Dialer, type DialObserver } from './dialer.ts';
import { CampaignResults } from './results.ts';
import { campaignRouter } from './routes.ts';
import { SmsOutreach } from './sms-outreach.ts';

export interface CampaignsWiring {
  service: CampaignService;
  dialer: Dialer;
  sms: SmsOutreach | undefined;
  router: Router;
  start(): void;
  stop(): Promise<void>;
}

export function wireCampaigns(deps: {
  config: Config;
  ds: DataSource;
  /** The dialer needs the ARI client too (the AMD result is a channel variable). */
  telephony: Telephony & { client(): Client };
  outboxStore: OutboxStore;
  nudgeOutbox(): void;
  clock: Clock;
  log: Logger;
  observer?: DialObserver;
  smsPort?: CampaignSms;
  portals?: HubSpotPortals;
  /** agenda (jobs/): runs the scheduled starts; define before it is started. */
  scheduler?: Agenda;
  /** The workflow-action mechanism: "enroll in a call campaign" is registered on it. */
  actions?: Pick<WorkflowActions, 'registerAction' | 'completeWithin'>;
}): CampaignsWiring {
  const { config, ds, clock } = deps;
  const log = deps.log.child({ part: 'campaigns' });
  const owner = `${hostname()}:${process.pid}`.slice(0, 64);
  const results = new CampaignResults(ds, deps.outboxStore, clock, owner, deps.actions);
  const port =
    deps.smsPort ??
    (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM_NUMBER
      ? campaignSmsOver(
          new TwilioSms({
            accountSid: config.TWILIO_ACCOUNT_SID,
            authToken: config.TWILIO_AUTH_TOKEN,
            fromNumber: config.TWILIO_FROM_NUMBER,
            apiBaseUrl: config.TWILIO_API_BASE_URL,
          }),
        )
      : undefined);
  const sms = port
    ? new SmsOutreach(
        ds,
        port,
        deps.outboxStore,
        results,
        clock,
        log,
        config.TWILIO_FROM_NUMBER ?? '',
      )
    : undefined;
  const d = new Dialer(
    ds,
    deps.telephony,
    results,
    sms,
    clock,
    log,
    {
      pollMs: config.CAMPAIGN_POLL_MS,
      dialTemplate: config.CAMPAIGN_DIAL_TEMPLATE,
      leaseMs: config.CAMPAIGN_LEASE_MS,
    },
    {
      onDial: (e) => deps.observer?.onDial?.(e),
      onHangup: (e) => {
        deps.nudgeOutbox();
        deps.observer?.onHangup?.(e);
      },
      onPass: () => deps.observer?.onPass?.(),
    },
  );
  const jobLog = { warn: (obj: object, msg: string) => log.warn(obj, msg) };
  // The job needs the service and the service schedules the job: a late-bound reference.
  const late: { service?: CampaignService } = {};
  const startJob = deps.scheduler
    ? defineJob<{ portalId: string; campaignId: string }>(
        deps.scheduler,
        'campaign-start',
        async ({ portalId, campaignId }) =>
          (await late.service!.startScheduled(portalId, campaignId))
            ? { status: JobStatus.Done }
            : { status: JobStatus.Skipped, detail: 'no longer scheduled' },
        // Starting a campaign is one database update. agenda re-checks a running job's lock
        // every lockLifetime / 2 on a timer it never clears: with its 10-minute default a stopped
        // sidecar lingered five minutes before exiting.
        { logger: jobLog, lockLifetime: 10_000 },
      )
    : undefined;
  const service = (late.service = new CampaignService(
    ds,
    clock,
    log,
    config.DEFAULT_COUNTRY,
    () => d.nudge(),
    startJob
      ? (portalId, campaignId, at) => startJob.schedule(at, { portalId, campaignId })
      : undefined,
    results,
  ));

  deps.actions?.registerAction(enrollAction(service));

  const router = campaignRouter({
    ...(deps.portals ? { portals: deps.portals } : {}),
    service: service,
    sms,
    twilioAuthToken: config.TWILIO_AUTH_TOKEN,
    publicUrl: config.PUBLIC_URL,
    activeCalls: () => d.activeCalls(),
    clock,
    log,
  });
  return {
    service,
    dialer: d,
    sms,
    router,
    start: () => {
      if (config.CAMPAIGNS_ENABLED) d.start();
    },
    stop: () => d.stop(),
  };
}
