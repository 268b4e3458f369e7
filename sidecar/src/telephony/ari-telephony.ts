// The Telephony port over ARI. One set of client-level listeners dispatches every event to
// its CallSession by channel id, so nothing is registered per call and nothing can leak: a
// session is dropped from the map the moment its channel leaves the application.
import { randomUUID } from 'node:crypto';
import type { Client } from 'ari-client';
import type { Clock, Logger } from '../ports.ts';
import { ariRestOver, type AriRest } from './ari-rest.ts';
import { AriSupervisor, type AriSupervisorOptions } from './ari-supervisor.ts';
import { CallSession, type SessionEvent } from './call-session.ts';
import {
  OriginateFailedError,
  type CallChannel,
  type OriginateRequest,
  type Telephony,
  type TelephonyStatus,
} from './port.ts';
import { NotConnectedError } from './ari-rest.ts';
import { createBridge, type BridgeHandle } from './bridges.ts';

interface AriChannelJson {
  id: string;
  state: string;
  caller: { number: string; name: string };
}
interface AriEventJson {
  type: string;
  timestamp?: string;
  channel?: AriChannelJson;
  args?: string[];
  cause?: number;
  cause_txt?: string;
  digit?: string;
  playback?: { id: string; target_uri: string; state: string };
  peer?: AriChannelJson;
  dialstatus?: string;
  variable?: string;
  value?: string;
}

/** The snoop operation with a client-chosen id (missing from @types/ari-client). */
type SnoopWithId = (p: {
  channelId: string;
  snoopId: string;
  spy: 'in' | 'out' | 'both';
  app: string;
  appArgs: string;
}) => Promise<unknown>;

export interface AriTelephonyHooks {
  onEventLag?(ms: number): void;
  onReconnect?(): void;
}

export class AriTelephony implements Telephony {
  private readonly supervisor: AriSupervisor;
  private readonly rest: AriRest;
  private readonly sessions = new Map<string, CallSession>();
  private readonly wired = new WeakSet<Client>();
  /** Feature listeners for raw ARI events (recordings, …), re-attached to every new client. */
  private readonly featureListeners = new Map<string, Set<(event: unknown) => void>>();
  private onCall: (call: CallChannel) => void = () => undefined;
  private accepting = true;
  private idleWaiters: (() => void)[] = [];
  /** Calls we originated that have not been answered yet, by channel id. */
  private readonly dialling = new Map<
    string,
    { resolve(c: CallChannel): void; reject(e: unknown): void }
  >();
  /** Last Dial status (BUSY, NOANSWER, CONGESTION…) of calls we are dialling, from the Dial
   * event or the DIALSTATUS of an originated Local channel's far half (;2): a truer failure
   * reason than ChannelDestroyed's cause, which Local channels report as 'Unknown'. */
  private readonly dialStatus = new Map<string, string>();

  constructor(
    private readonly opts: AriSupervisorOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly hooks: AriTelephonyHooks = {},
  ) {
    this.supervisor = new AriSupervisor(opts, log);
    this.rest = ariRestOver(() => this.supervisor.current());
    this.supervisor.on('connected', (client, first) => {
      this.wire(client);
      if (!first) {
        this.hooks.onReconnect?.();
        void this.resync();
      }
    });
  }

  start(onCall: (call: CallChannel) => void): void {
    this.onCall = onCall;
    this.supervisor.start();
  }

  stop(): Promise<void> {
    this.supervisor.stop();
    return Promise.resolve();
  }

  /** Resolves once ARI is connected and the application is subscribed. */
  whenConnected(): Promise<void> {
    if (this.supervisor.isConnected()) return Promise.resolve();
    return new Promise((resolve) => this.supervisor.once('connected', () => resolve()));
  }

  status(): TelephonyStatus {
    return {
      connected: this.supervisor.isConnected(),
      reconnects: this.supervisor.reconnects,
      activeCalls: this.sessions.size,
    };
  }

  stopAccepting(): void {
    this.accepting = false;
  }

  idle(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  originate(req: OriginateRequest): Promise<CallChannel> {
    // The channel id is ours and registered before the request, so StasisStart or
    // ChannelDestroyed cannot arrive before we know the channel.
    const channelId = req.channelId ?? randomUUID();
    return new Promise<CallChannel>((resolve, reject) => {
      this.dialling.set(channelId, { resolve, reject });
      this.rest
        .originate({
          channelId,
          endpoint: req.endpoint,
          app: this.opts.app,
          appArgs: ['outbound', ...(req.args ?? [])].join(','),
          timeoutSec: req.timeoutSec,
          ...(req.callerId !== undefined ? { callerId: req.callerId } : {}),
          ...(req.originator !== undefined ? { originator: req.originator } : {}),
          ...(req.variables ? { variables: req.variables } : {}),
        })
        .catch((err: unknown) => {
          this.dialling.delete(channelId);
          reject(err instanceof Error ? err : new OriginateFailedError(String(err)));
        });
    });
  }

  /**
   * A snoop channel spying on `channelId`, resolved once it has entered our app. The snoop POST
   * answers before the channel is in Stasis, and recording it earlier is refused with "Channel
   * not in Stasis application"; so, as for originate, the id is ours and awaited by StasisStart.
   */
  snoop(channelId: string, spy: 'in' | 'out' | 'both'): Promise<CallChannel> {
    const snoopId = randomUUID();
    return new Promise<CallChannel>((resolve, reject) => {
      this.dialling.set(snoopId, { resolve, reject });
      const channels = this.client().channels as unknown as { snoopChannelWithId: SnoopWithId };
      channels
        .snoopChannelWithId({ channelId, snoopId, spy, app: this.opts.app, appArgs: 'snoop' })
        .catch((err: unknown) => {
          this.dialling.delete(snoopId);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
  }

  /** A new mixing bridge (agent legs, click-to-call, transfers). */
  bridge(name?: string): Promise<BridgeHandle> {
    return createBridge(() => this.client(), name);
  }

  /** The current ari-client, for feature adapters (bridges, recordings…); throws when offline. */
  client(): Client {
    const c = this.supervisor.current();
    if (!c) throw new NotConnectedError();
    return c;
  }

  /**
   * Listens to one raw ARI event type on every client, across reconnects (feature adapters:
   * RecordingFinished, …). Returns an unsubscribe function.
   */
  onEvent(type: string, listener: (event: unknown) => void): () => void {
    let set = this.featureListeners.get(type);
    if (!set) {
      set = new Set();
      this.featureListeners.set(type, set);
      const client = this.supervisor.current();
      if (client && this.wired.has(client)) this.wireFeature(client, type);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private wireFeature(client: Client, type: string): void {
    (client as unknown as NodeJS.EventEmitter).on(type, (event: unknown) => {
      for (const l of this.featureListeners.get(type) ?? []) {
        try {
          l(event);
        } catch (err) {
          this.log.error({ err, type }, 'ARI feature listener failed');
        }
      }
    });
  }

  /** Number of listeners on the current client, for the leak test. */
  listenerCount(): number {
    const client = this.supervisor.current() as unknown as NodeJS.EventEmitter | undefined;
    if (!client) return 0;
    return client.eventNames().reduce((n, name) => n + client.listenerCount(name), 0);
  }

  private wire(client: Client): void {
    if (this.wired.has(client)) return;
    this.wired.add(client);
    for (const type of this.featureListeners.keys()) this.wireFeature(client, type);
    const emitter = client as unknown as NodeJS.EventEmitter;
    const on = (type: string, fn: (e: AriEventJson, receivedAt: number) => void) =>
      emitter.on(type, (event: AriEventJson) => {
        const receivedAt = this.clock.now();
        try {
          fn(event, receivedAt);
        } catch (err) {
          this.log.error({ err, type }, 'ARI event dispatch failed');
        }
      });
    on('StasisStart', (e) => this.stasisStart(e));
    on('StasisEnd', (e, at) =>
      this.toSession(e.channel?.id, { type: 'StasisEnd', receivedAt: at }),
    );
    on('ChannelDestroyed', (e, at) => {
      const pending = e.channel ? this.dialling.get(e.channel.id) : undefined;
      if (pending) {
        const id = e.channel!.id;
        this.dialling.delete(id);
        const status = this.dialStatus.get(id);
        this.dialStatus.delete(id);
        const cause = e.cause_txt ?? String(e.cause ?? 'unknown');
        pending.reject(new OriginateFailedError(status ? `${status} (${cause})` : cause));
      }
      this.toSession(e.channel?.id, {
        type: 'ChannelDestroyed',
        cause: e.cause_txt ?? String(e.cause),
        receivedAt: at,
      });
    });
    on('Dial', (e) => {
      const id = e.peer?.id;
      if (id && e.dialstatus && this.dialling.has(id)) this.dialStatus.set(id, e.dialstatus);
    });
    on('ChannelVarset', (e) => {
      const id = e.channel?.id;
      if (e.variable !== 'DIALSTATUS' || !id?.endsWith(';2') || !e.value) return;
      const base = id.slice(0, -2);
      if (this.dialling.has(base) && !this.dialStatus.has(base)) this.dialStatus.set(base, e.value);
    });
    on('ChannelHangupRequest', (e, at) =>
      this.toSession(e.channel?.id, {
        type: 'ChannelHangupRequest',
        cause: e.cause_txt ?? String(e.cause ?? 'unknown'),
        receivedAt: at,
      }),
    );
    on('ChannelStateChange', (e, at) =>
      this.toSession(e.channel?.id, {
        type: 'ChannelStateChange',
        state: e.channel?.state ?? '',
        receivedAt: at,
      }),
    );
    on('ChannelDtmfReceived', (e, at) =>
      this.toSession(e.channel?.id, {
        type: 'ChannelDtmfReceived',
        digit: e.digit ?? '',
        receivedAt: at,
      }),
    );
    on('PlaybackFinished', (e, at) => {
      const target = e.playback?.target_uri ?? '';
      if (!target.startsWith('channel:') || !e.playback) return;
      this.toSession(target.slice('channel:'.length), {
        type: 'PlaybackFinished',
        playbackId: e.playback.id,
        failed: e.playback.state === 'failed',
        receivedAt: at,
      });
    });
  }

  private stasisStart(e: AriEventJson): void {
    const channel = e.channel;
    if (!channel) return;
    const args = e.args ?? [];
    const dialled = this.dialling.get(channel.id);
    // StasisStart fires for every channel entering the app (agent legs, snoops, …): only
    // 'inbound' channels are new calls, and 'outbound' ones we are waiting for.
    if (args[0] !== 'inbound' && !dialled) return;
    const session = new CallSession(
      {
        id: channel.id,
        callerNumber: channel.caller.number,
        callerName: channel.caller.name,
        args,
        state: channel.state,
      },
      this.rest,
      this.clock,
      this.log.child({ channelId: channel.id }),
      (ms) => this.hooks.onEventLag?.(ms),
    );
    this.sessions.set(channel.id, session);
    void session.ended.then(() => this.forget(channel.id));
    if (dialled) {
      this.dialling.delete(channel.id);
      this.dialStatus.delete(channel.id);
      dialled.resolve(session);
      return;
    }
    if (!this.accepting) {
      void session
        .hangup()
        .catch((err: unknown) => this.log.warn({ err }, 'hangup while draining failed'));
      return;
    }
    this.onCall(session);
  }

  private toSession(channelId: string | undefined, event: SessionEvent): void {
    if (channelId === undefined) return;
    this.sessions.get(channelId)?.push(event);
  }

  private forget(channelId: string): void {
    this.sessions.delete(channelId);
    if (this.sessions.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** After a reconnect: end sessions whose channels vanished, hang up strays we know nothing of. */
  private async resync(): Promise<void> {
    try {
      const live = new Set(await this.rest.channelsInApp(this.opts.app));
      for (const [id, session] of this.sessions) await session.resync(live.has(id));
      for (const id of live) {
        if (this.sessions.has(id)) continue;
        this.log.warn(
          { channelId: id },
          'channel in the app with no session after reconnect; hanging up',
        );
        await this.rest.hangup(id);
      }
      this.log.info({ live: live.size, sessions: this.sessions.size }, 'ARI resync done');
    } catch (err) {
      this.log.error({ err }, 'ARI resync failed');
    }
  }
}
