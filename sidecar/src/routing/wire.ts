// Wiring of inbound routing for the composition root: flows (file + reload), admin settings,
// support gate, voicemail archive and mail, parking, transfer, and their HTTP routers.
import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { DataSource } from 'typeorm';
import type { CallQueues } from '../acd/port.ts';
import type { Config } from '../config.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import type { RequestPacer } from '../crm/shared-pacer.ts';
import { Answer } from '../flows/steps.ts';
import { operatorAccess } from '../http/operator-guard.ts';
import type { Clock, Logger } from '../ports.ts';
import { FileRecordingArchive, ariRecordingStore } from '../recordings/archive.ts';
import { recordingsRouter } from '../recordings/http.ts';
import { RecordingLinks } from '../recordings/links.ts';
import { VoicemailMailer } from '../recordings/voicemail-mail.ts';
import type { AriTelephony } from '../telephony/ari-telephony.ts';
import { AriCallMedia } from './ari-media.ts';
import { compileFlows, flowNameFor, type CompiledFlows } from './compile.ts';
import type { FlowStep } from './context.ts';
import { CrmCustomers } from './crm-customers.ts';
import { parseFlows, type FlowsFile } from './flow-schema.ts';
import { FlowStore, readFlowsFile } from './flow-store.ts';
import { routingRouter } from './http.ts';
import { ParkingLot } from './parking-lot.ts';
import { RememberedNumbers } from './remembered-numbers.ts';
import { RoutingSettings } from './settings-store.ts';
import type { TextToSpeech } from '../tts/port.ts';

/** Until the ACD is wired: every queue reports "no agents", so flows take their overflow (V7). */
export const noQueues: CallQueues = {
  has: () => false,
  enqueue: () => Promise.resolve({ kind: 'overflow', reason: 'no-agents', waitMs: 0 }),
};

export interface RoutingDeps {
  config: Config;
  ds: DataSource;
  clock: Clock;
  log: Logger;
  telephony: AriTelephony;
  portals: HubSpotPortals;
  searchLimiter: RequestPacer;
  queues: CallQueues;
  /** Speaks the texts admins type (announcements, holiday messages). */
  tts: TextToSpeech;
  /** Single-account mode: the account requests belong to when no middleware says otherwise. */
  defaultPortalId: string;
  /** The sidecar's public base URL, for recording links (known once HTTP listens). */
  publicUrl(): string;
}

export interface Routing {
  flowFor(calledNumber: string): readonly FlowStep[];
  /** The flows file names this number (it does not fall to the default flow). */
  hasFlowFor(calledNumber: string): boolean;
  routers: Router[];
  store: FlowStore;
  settings: RoutingSettings;
  remembered: RememberedNumbers;
  archive: FileRecordingArchive;
  crm: CrmCustomers;
  stop(): void;
}

/** The flows when no FLOWS_FILE is given: the greeting, as before routing existed. */
export function greetingFlows(media: string): FlowsFile {
  return parseFlows({
    default: 'greeting',
    flows: { greeting: [{ type: 'play', media }, { type: 'hangup' }] },
  });
}

export async function wireRouting(deps: RoutingDeps): Promise<Routing> {
  const { config, ds, clock, log } = deps;
  const rlog = log.child({ part: 'routing' });
  const initial = config.FLOWS_FILE
    ? await readFlowsFile(config.FLOWS_FILE)
    : greetingFlows(config.GREETING_MEDIA);
  const store = new FlowStore(initial, config.FLOWS_FILE, rlog);
  const settings = new RoutingSettings(ds, clock);
  const remembered = new RememberedNumbers(ds, clock);
  const crm = new CrmCustomers(
    deps.portals,
    deps.searchLimiter,
    clock,
    config.SUPPORT_CONTRACT_TTL_MS,
  );
  if (!config.RECORDING_LINK_KEY)
    rlog.warn({}, 'RECORDING_LINK_KEY not set: recording links stop working at restart');
  const links = new RecordingLinks(
    () => deps.publicUrl(),
    config.RECORDING_LINK_KEY ? Buffer.from(config.RECORDING_LINK_KEY) : randomBytes(32),
    config.RECORDING_LINK_TTL_S,
    () => clock.now(),
  );
  const archive = new FileRecordingArchive(
    ds,
    config.DATA_DIR,
    ariRecordingStore({
      url: config.ARI_URL,
      username: config.ARI_USERNAME,
      password: config.ARI_PASSWORD,
    }),
    links,
    clock,
  );
  const mailer = config.SMTP_URL
    ? new VoicemailMailer(config.SMTP_URL, config.MAIL_FROM)
    : undefined;
  const stepDeps = {
    log: rlog,
    settings,
    tts: deps.tts,
    queues: deps.queues,
    crm,
    remembered,
    media: new AriCallMedia(deps.telephony),
    archive,
    mailer,
    lot: new ParkingLot(),
    transferDialTemplate: config.TRANSFER_DIAL_TEMPLATE,
  };
  let compiled: { file: FlowsFile; flows: CompiledFlows } = {
    file: initial,
    flows: compileFlows(initial, stepDeps),
  };
  store.onReload((r) => {
    if (r.ok) compiled = { file: store.current(), flows: compileFlows(store.current(), stepDeps) };
  });
  if (config.FLOWS_WATCH) store.watch();
  const answer = new Answer();

  return {
    flowFor(called) {
      const name = flowNameFor(compiled.file, called);
      return [answer, ...(compiled.flows.get(name) ?? [])];
    },
    hasFlowFor(called) {
      const { numbers } = compiled.file;
      return numbers[called] !== undefined || numbers[called.replace(/^\+/, '')] !== undefined;
    },
    routers: [
      recordingsRouter(archive),
      routingRouter({
        settings,
        remembered,
        flows: store,
        // The operator guard (http/operator-guard.ts, mounted in front) let the request in:
        // a HubSpot-signed one acts for its signed account, the admin token for the account
        // named by ?portalId= or, without one, the default account.
        portalIdOf: (req: Request, res: Response) => {
          const access = operatorAccess(res);
          if (access?.kind === 'hubspot') return access.portalId;
          if (access?.kind !== 'admin') return undefined;
          const named = req.query.portalId;
          return typeof named === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(named)
            ? named
            : deps.defaultPortalId;
        },
      }),
    ],
    store,
    settings,
    remembered,
    archive,
    crm,
    stop() {
      store.close();
      mailer?.close();
    },
  };
}
