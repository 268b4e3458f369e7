// ACD test helpers: SIPp agent phones on this slot's ports, a recording archive in a temp dir,
// and a sidecar with its own account id whose queue results can be awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { copyFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueueEntry, QueueResult } from '../../sidecar/src/acd/port.ts';
import type { QueueServiceHooks } from '../../sidecar/src/acd/queue-call.ts';
import type { RecordingArchive, StoredRecording } from '../../sidecar/src/recordings/port.ts';
import { startTestSidecar, waitFor, type TestSidecar } from './harness.ts';
import { adminAuth, testPortBase } from './env.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sipp');

export interface SipAgentPhone {
  uri: string;
  port: number;
  /** SIPp's message trace (read it with sip-trace.ts), when started with `trace`. */
  messageFile?: string;
  stop(): void;
  /** Resolves once SIPp has exited (its port is free again). */
  exited: Promise<void>;
}

let nextPort = testPortBase + 300;

function portBusy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(true));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

/**
 * Starts a SIPp UAS (`answer`, `ring-only`, `busy`: 486 Busy Here, or `refer`: answers, then
 * presses Transfer to `referTo`, a blind REFER) and resolves once it listens. `port` puts it on a fixed port (the trunk peer's, to play the carrier); its media
 * ports are then taken from this slot's range. `trace` keeps SIPp's message trace.
 */
export async function startSipAgent(
  user: string,
  behaviour: 'answer' | 'ring-only' | 'busy' | 'refer',
  opts: { port?: number; trace?: boolean; referTo?: string } = {},
): Promise<SipAgentPhone> {
  const own = nextPort;
  nextPort += 10; // SIPp also binds media port + 2 (video)
  const port = opts.port ?? own;
  const messageFile = opts.trace
    ? path.join(os.tmpdir(), `centralino-sipp-${user}-${randomBytes(4).toString('hex')}.log`)
    : undefined;
  const child: ChildProcess = spawn(
    'sipp',
    [
      '-sf',
      path.join(fixtures, `agent-${behaviour}.xml`),
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-mp',
      String(own + 2),
      '-nostdin',
      '-timeout_error',
      ...(opts.referTo ? ['-key', 'refer_to', opts.referTo] : []),
      ...(messageFile ? ['-trace_msg', '-message_file', messageFile] : []),
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  await waitFor(async () => exited || (await portBusy(port)), 5000, `sipp on ${port}`);
  if (exited) throw new Error(`sipp on port ${port} exited at start`);
  return {
    uri: `sip:${user}@127.0.0.1:${port}`,
    port,
    ...(messageFile ? { messageFile } : {}),
    stop: () => {
      if (!exited) child.kill('SIGKILL');
    },
    exited: gone,
  };
}

/** A RecordingArchive that copies files into a temp directory (the real one serves them). */
export class TempDirArchive implements RecordingArchive {
  readonly dir = path.join(os.tmpdir(), `centralino-acd-rec-${randomBytes(4).toString('hex')}`);
  readonly files = new Map<string, string>();
  storeFromAri(): Promise<StoredRecording> {
    return Promise.reject(new Error('not used by the ACD'));
  }
  async storeFile(file: string): Promise<StoredRecording> {
    await mkdir(this.dir, { recursive: true });
    const id = randomUUID();
    const dest = path.join(this.dir, `${id}.wav`);
    await copyFile(file, dest);
    this.files.set(id, dest);
    return { id, url: `file://${dest}` };
  }
}

export interface AcdTestSidecar extends TestSidecar {
  portalId: string;
  /** Resolves with the next queue result of this caller (of any caller when not given). */
  nextResult(callerNumber?: string): Promise<{ entry: QueueEntry; result: QueueResult }>;
  api<T = unknown>(
    method: string,
    pathname: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
}

export async function startAcdSidecar(
  tag: string,
  opts: {
    archive?: RecordingArchive;
    priorityOf?: (portalId: string, caller: string | null) => number;
    onWaiting?: (entry: QueueEntry) => void;
    onAnnouncement?: QueueServiceHooks['onAnnouncement'];
    /** More configuration (e.g. a HubSpot sandbox, whose portal id is then the account). */
    env?: Record<string, string>;
  } = {},
): Promise<AcdTestSidecar> {
  // Every test file gets its own account: the MariaDB run shares one database.
  const portalId =
    opts.env?.HUBSPOT_PORTAL_ID ?? String(100000 + Math.floor(Math.random() * 899999));
  const sidecar = await startTestSidecar({ ...opts.env, HUBSPOT_PORTAL_ID: portalId }, tag, {
    ...(opts.archive ? { recordingArchive: opts.archive } : {}),
    acd: {
      ...(opts.priorityOf ? { priorityOf: opts.priorityOf } : {}),
      hooks: {
        ...(opts.onWaiting ? { onWaiting: opts.onWaiting } : {}),
        ...(opts.onAnnouncement ? { onAnnouncement: opts.onAnnouncement } : {}),
      },
    },
  });
  type Done = { entry: QueueEntry; result: QueueResult };
  const pending: Done[] = [];
  const waiters: { caller?: string | undefined; resolve(d: Done): void }[] = [];
  const matches = (caller: string | undefined, d: Done) =>
    caller === undefined || d.entry.callerNumber === caller;
  sidecar.acd.onResult((entry, result) => {
    const done = { entry, result };
    const i = waiters.findIndex((w) => matches(w.caller, done));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(done);
    else pending.push(done);
  });
  return Object.assign(sidecar, {
    portalId,
    nextResult(caller?: string) {
      const i = pending.findIndex((d) => matches(caller, d));
      if (i >= 0) return Promise.resolve(pending.splice(i, 1)[0]!);
      return new Promise<Done>((resolve) => waiters.push({ caller, resolve }));
    },
    async api<T>(method: string, pathname: string, body?: unknown) {
      const sep = pathname.includes('?') ? '&' : '?';
      const res = await fetch(`${sidecar.url}${pathname}${sep}portalId=${portalId}`, {
        method,
        headers: { 'content-type': 'application/json', ...adminAuth },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
  });
}
