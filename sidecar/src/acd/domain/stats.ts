// Queue statistics over a period (waits, service level, abandoned; per-agent calls and talk
// time), computed from the ACD's call history rows. Pure.
export interface QueueCallFact {
  queueId: string;
  agentId: string | null;
  outcome: 'answered' | 'abandoned' | 'overflow';
  waitMs: number;
  talkMs: number;
}

export interface QueueStats {
  queueId: string;
  offered: number;
  answered: number;
  abandoned: number;
  overflowed: number;
  avgWaitMs: number;
  maxWaitMs: number;
  /** Answered within the service-level threshold. */
  answeredWithinSl: number;
  /** answeredWithinSl ÷ offered (0 when nothing was offered). */
  serviceLevel: number;
}

export interface AgentStats {
  agentId: string;
  calls: number;
  talkMs: number;
  talkMinutes: number;
}

export function computeStats(
  facts: readonly QueueCallFact[],
  serviceLevelMs: number,
): { queues: QueueStats[]; agents: AgentStats[] } {
  const queues = new Map<string, QueueStats & { waitSum: number }>();
  const agents = new Map<string, AgentStats>();
  for (const f of facts) {
    let q = queues.get(f.queueId);
    if (!q) {
      q = {
        queueId: f.queueId,
        offered: 0,
        answered: 0,
        abandoned: 0,
        overflowed: 0,
        avgWaitMs: 0,
        maxWaitMs: 0,
        answeredWithinSl: 0,
        serviceLevel: 0,
        waitSum: 0,
      };
      queues.set(f.queueId, q);
    }
    q.offered++;
    q.waitSum += f.waitMs;
    q.maxWaitMs = Math.max(q.maxWaitMs, f.waitMs);
    if (f.outcome === 'answered') {
      q.answered++;
      if (f.waitMs <= serviceLevelMs) q.answeredWithinSl++;
    } else if (f.outcome === 'abandoned') q.abandoned++;
    else q.overflowed++;
    if (f.outcome === 'answered' && f.agentId) {
      const a = agents.get(f.agentId) ?? {
        agentId: f.agentId,
        calls: 0,
        talkMs: 0,
        talkMinutes: 0,
      };
      a.calls++;
      a.talkMs += f.talkMs;
      a.talkMinutes = Math.round((a.talkMs / 60_000) * 100) / 100;
      agents.set(f.agentId, a);
    }
  }
  return {
    queues: [...queues.values()]
      .map(({ waitSum, ...q }) => ({
        ...q,
        avgWaitMs: q.offered ? Math.round(waitSum / q.offered) : 0,
        serviceLevel: q.offered ? q.answeredWithinSl / q.offered : 0,
      }))
      .sort((a, b) => (a.queueId < b.queueId ? -1 : 1)),
    agents: [...agents.values()].sort(
      (a, b) => b.talkMs - a.talkMs || (a.agentId < b.agentId ? -1 : 1),
    ),
  };
}
