// The Telephony port over ARI. One set of client-level listeners dispatches every event to
// its CallSession by channel id, so nothing is registered per call and nothing can leak: a
// session is dropped from the map the moment its channel leaves the application.
import type { Client } from 'ari-client';
import type { Clock, Logger } from '../ports.ts';
import { ariRestOver, type AriRest } from './ari-rest.ts';
import { AriSupervisor, type AriSupervisorOptions } from './ari-supervisor.ts';
import { CallSession, type SessionEvent } from './call-session.ts';
import type { CallChannel, Telephony, TelephonyStatus } from './port.ts';

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
}

export interface AriTelephonyHooks {
  onEventLag?(ms: number): void;
  onReconnect?(): void;
}

export class AriTelephony implements Telephony {
  private readonly supervisor: AriSupervisor;
  private readonly rest: AriRest;
  private readonly sessions = new Map<string, CallSession>();
  private readonly wired = new WeakSet<Client>();
  private onCall: (call: CallChannel) => void = () => undefined;
  private accepting = true;
  private idleWaiters: (() => void)[] = [];

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

  /** Number of listeners on the current client, for the leak test. */
  listenerCount(): number {
    const client = this.supervisor.current() as unknown as NodeJS.EventEmitter | undefined;
    if (!client) return 0;
    return client.eventNames().reduce((n, name) => n + client.listenerCount(name), 0);
  }

  private wire(client: Client): void {
    if (this.wired.has(client)) return;
    this.wired.add(client);
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
    on('ChannelDestroyed', (e, at) =>
      this.toSession(e.channel?.id, {
        type: 'ChannelDestroyed',
        cause: e.cause_txt ?? String(e.cause),
        receivedAt: at,
      }),
    );
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
    // StasisStart fires for every channel entering the app (agent legs, snoops, …): only
    // 'inbound' channels are new calls.
    if (args[0] !== 'inbound') return;
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
