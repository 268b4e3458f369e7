// The ACD as the CRM settings page sees it (cards/ports.ts AcdAdmin): agents with their queue
// skills and live state, queues with their strategy, and changing a queue's strategy.
import { SettingsError, type AcdAdmin as CardAcdAdmin, type QueueView } from '../cards/ports.ts';
import type { AcdAdmin } from './admin.ts';
import { Strategies, type Strategy } from './domain/strategy.ts';
import type { AcdRepository } from './store/acd-repository.ts';

function isStrategy(s: string): s is Strategy {
  return (Strategies as readonly string[]).includes(s);
}

export function acdAdminForCards(admin: AcdAdmin, repo: AcdRepository): CardAcdAdmin {
  const queueView = (q: {
    id: string;
    name: string;
    strategy: string;
    members: { skillLevel: number }[];
  }): QueueView => ({
    id: q.id,
    name: q.name,
    strategy: q.strategy,
    skills: [...new Set(q.members.map((m) => `level ${m.skillLevel}`))],
  });
  return {
    async overview(portalId) {
      const [agents, queues] = await Promise.all([
        repo.listAgents(portalId),
        admin.describeQueues(portalId),
      ]);
      return {
        agents: agents.map((a) => ({
          id: a.id,
          name: a.name,
          // A skill is a queue membership with its level (skill strategy: higher first).
          skills: queues.flatMap((q) =>
            q.members.filter((m) => m.agentId === a.id).map((m) => `${q.id}:${m.skillLevel}`),
          ),
          state: a.state,
        })),
        queues: queues.map(queueView),
        strategies: [...Strategies],
      };
    },
    async setQueueStrategy(portalId, queueId, strategy) {
      if (!isStrategy(strategy))
        throw new SettingsError(`unknown strategy ${strategy}; one of ${Strategies.join(', ')}`);
      const current = (await admin.describeQueues(portalId)).find((q) => q.id === queueId);
      if (!current) return null;
      // putQueue replaces the whole queue: send back everything but the row's own keys.
      const settings: Record<string, unknown> = { ...current, strategy };
      for (const key of ['id', 'portalId', 'updatedAt']) delete settings[key];
      await admin.putQueue(portalId, queueId, settings);
      const updated = (await admin.describeQueues(portalId)).find((q) => q.id === queueId);
      return updated ? queueView(updated) : null;
    },
  };
}
