// Keeps one ari-client connection alive forever. ari-client retries its WebSocket about ten
// times and then gives up for good (WebSocketMaxRetries); from there we build a fresh client
// with our own capped backoff, for as long as the sidecar runs. A heartbeat catches half-open
// sockets that never report a close.
import { EventEmitter } from 'node:events';
import ari, { type Client } from 'ari-client';
import { backoffMs } from '../domain/backoff.ts';
import type { Logger } from '../ports.ts';

export interface AriSupervisorOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  maxBackoffMs: number;
  heartbeatMs?: number;
}

type SupervisorEvents = {
  /** A client is connected and subscribed; `first` is false after a reconnect. */
  connected: [client: Client, first: boolean];
  disconnected: [];
};

export class AriSupervisor extends EventEmitter<SupervisorEvents> {
  private client: Client | undefined;
  private connected = false;
  private everConnected = false;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  reconnects = 0;

  constructor(
    private readonly opts: AriSupervisorOptions,
    private readonly log: Logger,
  ) {
    super();
  }

  current(): Client | undefined {
    return this.connected ? this.client : undefined;
  }

  isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    this.dispose();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let client: Client | undefined;
    try {
      client = await ari.connect(this.opts.url, this.opts.username, this.opts.password);
      if (this.stopped) return;
      this.attach(client);
      await client.start(this.opts.app);
    } catch (err) {
      if (client) this.dispose();
      this.scheduleRetry(err);
    }
  }

  private attach(client: Client): void {
    this.client = client;
    client.on('WebSocketConnected', () => {
      this.attempt = 0;
      this.markConnected(client);
    });
    client.on('WebSocketReconnecting', (err: Error) => {
      this.markDisconnected(err);
    });
    client.on('WebSocketMaxRetries', (err: Error) => {
      this.markDisconnected(err);
      this.dispose();
      this.scheduleRetry(err);
    });
    let awaitingPong = false;
    client.on('pong', () => (awaitingPong = false));
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (!this.connected || this.client !== client) return;
      if (awaitingPong) {
        this.log.warn({}, 'ARI heartbeat lost; dropping the socket to reconnect');
        // ari-client exposes no API for this; terminating the socket triggers its reconnect.
        (client as unknown as { _ws?: { terminate(): void } })._ws?.terminate();
        awaitingPong = false;
        return;
      }
      awaitingPong = true;
      client.ping();
    }, this.opts.heartbeatMs ?? 5000);
    this.heartbeat.unref();
  }

  private markConnected(client: Client): void {
    if (this.client !== client) return;
    const first = !this.everConnected;
    this.connected = true;
    this.everConnected = true;
    if (!first) this.reconnects += 1;
    this.log.info({ url: this.opts.url, app: this.opts.app, first }, 'ARI connected');
    this.emit('connected', client, first);
  }

  private markDisconnected(err: unknown): void {
    if (!this.connected) return;
    this.connected = false;
    this.log.warn({ err: String(err) }, 'ARI connection lost');
    this.emit('disconnected');
  }

  private dispose(): void {
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    if (!client) return;
    (client as unknown as EventEmitter).removeAllListeners();
    try {
      client.stop();
    } catch {
      // The socket was never opened or is already closed.
    }
  }

  private scheduleRetry(err: unknown): void {
    if (this.stopped) return;
    const delay = backoffMs(this.attempt++, 100, this.opts.maxBackoffMs);
    this.log.warn(
      { err: String(err), delayMs: delay, attempt: this.attempt },
      'ARI unreachable; retrying',
    );
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
