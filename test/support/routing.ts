// Helpers for routing tests: a CallQueues double that records which queue was asked and plays
// a beep (the real ACD is built in parallel), a controllable clock, and flows files on disk.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { CallQueues, QueueEntry, QueueResult } from '../../sidecar/src/acd/port.ts';
import type { Clock } from '../../sidecar/src/ports.ts';

export class TestQueues implements CallQueues {
  readonly asked: { queueId: string; callerNumber: string | null; contactId?: string }[] = [];
  /** What each queue answers; default: answered by agent 'a1' after the beep. */
  readonly results = new Map<string, (e: QueueEntry) => QueueResult>();
  constructor(readonly known: readonly string[]) {}
  has(_portalId: string, queueId: string): boolean {
    return this.known.includes(queueId);
  }
  async enqueue(entry: QueueEntry): Promise<QueueResult> {
    this.asked.push({
      queueId: entry.queueId,
      callerNumber: entry.callerNumber,
      ...(entry.contactId ? { contactId: entry.contactId } : {}),
    });
    await entry.call.play('sound:beep');
    const result = this.results.get(entry.queueId);
    return result ? result(entry) : { kind: 'answered', agentId: 'a1', waitMs: 0, talkMs: 0 };
  }
}

/** Real time shifted to a chosen instant, so time rules see "Monday 10:00 in Rome". */
export class ShiftedClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  setTo(instantMs: number): void {
    this.offset = instantMs - Date.now();
  }
}

export function tempDir(tag: string): string {
  return mkdtempSync(path.join(tmpdir(), `centralino-${tag}-`));
}

export function writeFlows(file: string, doc: unknown): void {
  writeFileSync(file, stringify(doc));
}
