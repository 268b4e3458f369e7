// The ACD's configuration (queues, members, prefix rules) cached in memory: the dispatcher
// reads it on every call and `has()` must answer synchronously. Admin writes go through
// AcdAdmin, which refreshes the cache after each commit.
import type { AcdRepository } from './store/acd-repository.ts';
import type { AcdMemberRow, AcdPrefixRuleRow, AcdQueueRow } from './store/entities.ts';

export interface QueueConfig {
  row: AcdQueueRow;
  /** Ordered by position. */
  members: AcdMemberRow[];
  prefixRules: AcdPrefixRuleRow[];
}

const key = (portalId: string, queueId: string) => `${portalId}\u0000${queueId}`;

export class QueueDirectory {
  private queues = new Map<string, QueueConfig>();
  /** The load under way: loads run one after another, so an older snapshot that reads slowly
   * cannot replace a newer one (two admins saving at once). */
  private loading: Promise<void> = Promise.resolve();

  constructor(private readonly repo: AcdRepository) {}

  /** Re-reads the configuration; resolves once the cache holds everything committed before. */
  load(): Promise<void> {
    const next = this.loading.then(() => this.read());
    this.loading = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<void> {
    const [queues, members, rules] = await Promise.all([
      this.repo.allQueues(),
      this.repo.allMembers(),
      this.repo.allPrefixRules(),
    ]);
    const next = new Map<string, QueueConfig>();
    for (const row of queues)
      next.set(key(row.portalId, row.id), { row, members: [], prefixRules: [] });
    for (const m of members) next.get(key(m.portalId, m.queueId))?.members.push(m);
    for (const r of rules) next.get(key(r.portalId, r.queueId))?.prefixRules.push(r);
    for (const q of next.values()) q.members.sort((a, b) => a.position - b.position);
    this.queues = next;
  }

  get(portalId: string, queueId: string): QueueConfig | undefined {
    return this.queues.get(key(portalId, queueId));
  }

  /** The account's queues (transfer targets). */
  inPortal(portalId: string): QueueConfig[] {
    return [...this.queues.values()].filter((q) => q.row.portalId === portalId);
  }

  /** The queue whose service number is `calledNumber`, if any (Q5: a service = a number). */
  byNumber(portalId: string, calledNumber: string): QueueConfig | undefined {
    for (const q of this.queues.values())
      if (q.row.portalId === portalId && q.row.number === calledNumber) return q;
    return undefined;
  }
}
