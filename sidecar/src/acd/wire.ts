// The ACD's wiring, called by main.ts: repository, presence, queue directory, dispatcher,
// recorder, phone feature codes and the HTTP API.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { CallStep } from '../flows/steps.ts';
import type { Clock, Logger } from '../ports.ts';
import type { RecordingArchive } from '../recordings/port.ts';
import type { Client } from 'ari-client';
import type { AriTelephony } from '../telephony/ari-telephony.ts';
import { AcdAdmin, agentEndpoint, queueInput, agentInput } from './admin.ts';
import { BridgePlaybacks } from './bridge-playbacks.ts';
import { QueueDirectory } from './directory.ts';
import { acdRouter } from './http.ts';
import { HandsetTransfers, type TransferProgress } from './handset-transfers.ts';
import { AgentFeatureStep, EnqueueStep, featureFor } from './phone-steps.ts';
import type { QueueEntry, QueueResult } from './port.ts';
import { AgentRegistry } from './presence.ts';
import { QueueService, type QueueServiceHooks } from './queue-service.ts';
import { StereoRecorder } from './recorder.ts';
import { acdTransfersForWidget } from './widget-transfers.ts';
import { AcdRepository } from './store/acd-repository.ts';
import { z } from 'zod';

export interface AcdDeps {
  ds: DataSource;
  telephony: AriTelephony;
  clock: Clock;
  log: Logger;
  ari: { url: string; username: string; password: string; app: string };
  defaultPortalId: string;
  defaultCountry: string;
  dataDir: string;
  /** How outside numbers are dialled (TRANSFER_DIAL_TEMPLATE): agents on a phone number. */
  trunkDialTemplate: string;
  /** JSON file with agents and queues created at start when missing (ACD_SEED_FILE). */
  seedFile?: string | undefined;
  /** Where queue-call recordings go; without one, calls are not recorded. */
  archive?: RecordingArchive | undefined;
  hooks?: QueueServiceHooks;
  /** Whether a number has a flow of its own (routing), for transfers keyed on agents' phones. */
  hasFlow?: (number: string) => boolean;
  /** Priority of a caller for the service-number path (e.g. VIP by CRM property; A7). */
  priorityOf?: (portalId: string, callerNumber: string | null) => number;
}

const seedSchema = z.object({
  portalId: z.string().optional(),
  agents: z.array(agentInput.extend({ loggedIn: z.boolean().optional() })).default([]),
  queues: z.array(queueInput.extend({ id: z.string() })).default([]),
});

export async function wireAcd(deps: AcdDeps) {
  const { ds, telephony, clock, log, priorityOf } = deps;
  const acdLog = log.child({ part: 'acd' });
  const repo = new AcdRepository(ds);
  const agents = new AgentRegistry(repo, clock, acdLog);
  const directory = new QueueDirectory(repo);
  const admin = new AcdAdmin(repo, agents, directory, clock);
  await agents.load();
  await directory.load();
  if (deps.seedFile) await seed(deps.seedFile, deps.defaultPortalId, repo, admin, agents);

  const recorder = deps.archive
    ? new StereoRecorder(
        telephony,
        deps.ari,
        deps.archive,
        path.join(deps.dataDir, 'acd-recordings-tmp'),
        acdLog,
      )
    : undefined;
  const playbacks = new BridgePlaybacks(telephony, acdLog);
  const resultListeners = new Set<(entry: QueueEntry, result: QueueResult) => void>();
  const queues = new QueueService({
    directory,
    agents,
    repo,
    clock,
    log: acdLog,
    ...(recorder ? { recorder } : {}),
    hooks: {
      ...deps.hooks,
      onResult: (entry, result) => {
        deps.hooks?.onResult?.(entry, result);
        for (const l of resultListeners) l(entry, result);
      },
    },
    telephony: {
      // The queue service dials an agent's stored dial; an outside number (tel:) becomes the
      // trunk's dial string here, at call time.
      originate: (req) => {
        const endpoint = agentEndpoint(req.endpoint, deps.trunkDialTemplate);
        return telephony.originate({
          ...req,
          endpoint,
          // A REFER from the agent's SIP phone comes to us (handset-transfers.ts) instead of
          // Asterisk taking the caller out of our bridge.
          ...(endpoint.startsWith('PJSIP/')
            ? { variables: { ...req.variables, [HANDSET_TRANSFERS_TO_ARI]: 'ari-only' } }
            : {}),
        });
      },
      bridge: (name) => telephony.bridge(name),
      hangupChannel: async (channelId) => {
        await telephony
          .client()
          .channels.hangup({ channelId })
          .catch((err: unknown) => acdLog.debug({ err, channelId }, 'leg already gone'));
      },
      playOnBridge: async (bridgeId, media, playbackId) => {
        await telephony.client().bridges.play({ bridgeId, media: [...media], playbackId });
      },
      playOnBridgeToEnd: (bridgeId, media, playbackId, stop) =>
        playbacks.playToEnd(bridgeId, media, playbackId, stop),
      stopPlayback: (playbackId) => playbacks.stop(playbackId),
      startMusic: async (channelId, mohClass) => {
        await telephony
          .client()
          .channels.startMoh({ channelId, ...(mohClass ? { mohClass } : {}) });
      },
      stopMusic: async (channelId) => {
        await telephony
          .client()
          .channels.stopMoh({ channelId })
          .catch((err: unknown) => acdLog.debug({ err, channelId }, 'caller already gone'));
      },
    },
  });

  const handsetTransfers = new HandsetTransfers({
    conversations: queues.conversations,
    transfers: queues.transfers,
    directory,
    agents,
    hasFlow: (number) => deps.hasFlow?.(number) ?? false,
    dialOf: (portalId, agentId) => {
      const row = agents.live(portalId, agentId)?.row;
      return row ? agentEndpoint(row.dial, deps.trunkDialTemplate) : null;
    },
    progress: async (channelId, states) => {
      await transferProgress(telephony.client(), channelId, states);
    },
    log: acdLog,
  });
  telephony.onEvent('ChannelTransfer', (event) => {
    handsetTransfers
      .onChannelTransfer(event)
      .catch((err: unknown) => acdLog.error({ err }, 'handset transfer failed'));
  });

  return {
    repo,
    queues,
    presence: agents,
    admin,
    directory,
    /** The calling widget's transfer port over these queues. */
    widgetTransfers: acdTransfersForWidget({ queues, agents, directory }),
    routers: [
      acdRouter({
        defaultPortalId: deps.defaultPortalId,
        repo,
        agents,
        admin,
        directory,
        queues,
      }),
    ] as Router[],
    onResult(listener: (entry: QueueEntry, result: QueueResult) => void) {
      resultListeners.add(listener);
      return () => resultListeners.delete(listener);
    },
    /** Steps for a called number the ACD owns (feature codes, service numbers), else undefined. */
    flowFor(portalId: string, calledNumber: string): CallStep[] | undefined {
      const feature = featureFor(calledNumber);
      if (feature) return [new AgentFeatureStep(feature, portalId, repo, agents, acdLog)];
      const queue = directory.byNumber(portalId, calledNumber);
      if (!queue) return undefined;
      return [
        new EnqueueStep(queues, portalId, queue.row.id, deps.defaultCountry, {
          ...(priorityOf ? { priorityOf } : {}),
          agentCodePrompt: queue.row.strategy === 'agent-code',
        }),
      ];
    },
    stop() {
      queues.stop();
      agents.stop();
    },
  };
}

export type Acd = Awaited<ReturnType<typeof wireAcd>>;

async function seed(
  file: string,
  defaultPortalId: string,
  repo: AcdRepository,
  admin: AcdAdmin,
  agents: AgentRegistry,
): Promise<void> {
  const parsed = seedSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `ACD_SEED_FILE ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const portalId = parsed.data.portalId ?? defaultPortalId;
  for (const { loggedIn, ...a } of parsed.data.agents) {
    if (await repo.findAgentByNumber(portalId, a.number)) continue;
    const row = await admin.createAgent(portalId, a);
    if (loggedIn) await agents.login(portalId, row.id);
  }
  for (const { id, ...q } of parsed.data.queues) {
    if (await repo.getQueue(portalId, id)) continue;
    await admin.putQueue(portalId, id, q);
  }
}

/** Set on an agent leg, Asterisk reports the phone's REFERs as ChannelTransfer events. */
const HANDSET_TRANSFERS_TO_ARI = 'PJSIP_TRANSFER_HANDLING()';

/** POST /channels/{id}/transfer_progress (Asterisk 22.3+), which ari-client's typings lack. */
async function transferProgress(client: Client, channelId: string, states: TransferProgress) {
  const channels = client.channels as unknown as {
    transfer_progress(params: { channelId: string; states: string }): Promise<void>;
  };
  await channels.transfer_progress({ channelId, states });
}
