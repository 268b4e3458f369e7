// One history row per queue call (or per agent's part of a transferred call): sticky routing,
// talk-time strategies and the statistics read it. A failed write is logged, never thrown:
// the caller's conversation does not depend on it.
import type { Logger } from '../ports.ts';
import type { QueueEntry, QueueResult } from './port.ts';
import type { AcdRepository } from './store/acd-repository.ts';

/** What a history row records: a hand-off is filed as the agent's answered part of the call. */
export type RecordedResult = Exclude<QueueResult, { kind: 'handed-off' }>;

export class QueueHistory {
  constructor(
    private readonly repo: AcdRepository,
    private readonly log: Logger,
  ) {}

  async record(
    entry: QueueEntry,
    id: string,
    enteredAt: number,
    result: RecordedResult,
    answeredAt: number | null,
    endedAt: number,
  ): Promise<void> {
    try {
      await this.repo.recordCall({
        id,
        portalId: entry.portalId,
        queueId: entry.queueId,
        callerNumber: entry.callerNumber,
        agentId: result.kind === 'answered' ? result.agentId : null,
        outcome: result.kind,
        priority: entry.priority,
        enteredAt,
        answeredAt,
        endedAt,
        waitMs: result.waitMs,
        talkMs: result.kind === 'answered' ? result.talkMs : 0,
        recordingId: result.kind === 'answered' ? (result.recordingId ?? null) : null,
      });
    } catch (err) {
      this.log.error({ err, queueCallId: id }, 'queue call history not written');
    }
  }
}
