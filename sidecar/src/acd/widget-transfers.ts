// The ACD as the calling widget's transfer port sees it (widget/transfer-port.ts): the agent's
// current queue caller, who can take a transfer, and blind/attended transfers. Checks what the
// widget can be told precisely (which target is wrong, and how) before asking Transfers, whose
// own refusals (a call that changed meanwhile) come back as REFUSED.
import {
  TransferRefusedError,
  type QueueCallTransfers,
  type QueueCallView,
  type TransferTarget,
} from '../widget/transfer-port.ts';
import type { QueueDirectory } from './directory.ts';
import { AgentNotFoundError, type AgentRegistry } from './presence.ts';
import type { QueueService } from './queue-service.ts';
import { TransferError } from './transfers.ts';

export function acdTransfersForWidget(deps: {
  queues: QueueService;
  agents: AgentRegistry;
  directory: QueueDirectory;
}): QueueCallTransfers {
  const { queues, agents, directory } = deps;
  const { transfers, conversations } = queues;
  const nameOf = (portalId: string, agentId: string) =>
    agents.live(portalId, agentId)?.row.name ?? agentId;

  /** The agent talks with a queue caller and is not consulting anyone yet. */
  const talkingOnly = (portalId: string, agentId: string) => {
    if (!conversations.of(portalId, agentId))
      throw new TransferRefusedError(
        'NOT_IN_QUEUE_CALL',
        'you are not talking with a queue caller',
      );
    if (transfers.consulting(portalId, agentId))
      throw new TransferRefusedError(
        'ALREADY_CONSULTING',
        'you are consulting a colleague already',
      );
  };
  const availableColleague = (portalId: string, agentId: string, toAgentId: string) => {
    if (toAgentId === agentId)
      throw new TransferRefusedError('BAD_TARGET', 'you cannot transfer a call to yourself');
    // Looked up in the session's account only: another account's agent is unknown here.
    const to = agents.live(portalId, toAgentId);
    if (!to) throw new TransferRefusedError('UNKNOWN_COLLEAGUE', `no colleague ${toAgentId}`);
    if (to.state !== 'available')
      throw new TransferRefusedError(
        'COLLEAGUE_UNAVAILABLE',
        `${to.row.name} is ${to.state}, not available`,
      );
  };
  /** Transfers' own refusals: the call changed between our checks and the request. */
  const refused = (err: unknown): never => {
    if (err instanceof AgentNotFoundError)
      throw new TransferRefusedError('UNKNOWN_COLLEAGUE', err.message);
    if (err instanceof TransferError) throw new TransferRefusedError('REFUSED', err.message);
    throw err;
  };
  const notConsulting = (portalId: string, agentId: string) => {
    if (!transfers.consulting(portalId, agentId))
      throw new TransferRefusedError('NOT_CONSULTING', 'you are not consulting anyone');
  };

  return {
    current(portalId, agentId): QueueCallView | null {
      const conv = conversations.of(portalId, agentId);
      if (!conv) return null;
      const { entry } = conv.waiter;
      const c = transfers.consulting(portalId, agentId);
      return {
        callerNumber: entry.callerNumber,
        callerName: entry.call.info.callerName || null,
        contactId: entry.contactId ?? null,
        queueId: conv.queue.row.id,
        queueName: conv.queue.row.name,
        consultation: c
          ? { toAgentId: c.toAgentId, toName: nameOf(portalId, c.toAgentId), state: c.state }
          : null,
      };
    },
    consultedBy(portalId, agentId) {
      const c = transfers.consultedBy(portalId, agentId);
      if (!c) return null;
      const { entry } = c.conv.waiter;
      return {
        fromAgentId: c.fromAgentId,
        fromName: nameOf(portalId, c.fromAgentId),
        callerNumber: entry.callerNumber,
        callerName: entry.call.info.callerName || null,
        contactId: entry.contactId ?? null,
        queueName: c.conv.queue.row.name,
        state: c.state,
      };
    },
    targets(portalId, agentId) {
      return {
        agents: agents
          .inPortal(portalId)
          .filter((a) => a.row.id !== agentId && a.state === 'available')
          .map((a) => ({ agentId: a.row.id, name: a.row.name })),
        queues: directory.inPortal(portalId).map((q) => ({ queueId: q.row.id, name: q.row.name })),
      };
    },
    async blind(portalId, agentId, target: TransferTarget) {
      talkingOnly(portalId, agentId);
      if ('agentId' in target) availableColleague(portalId, agentId, target.agentId);
      else if (!directory.get(portalId, target.queueId))
        throw new TransferRefusedError('UNKNOWN_QUEUE', `no queue ${target.queueId}`);
      await transfers.blind(portalId, agentId, target).catch(refused);
    },
    async consult(portalId, agentId, toAgentId) {
      talkingOnly(portalId, agentId);
      availableColleague(portalId, agentId, toAgentId);
      await transfers.consult(portalId, agentId, toAgentId).catch(refused);
    },
    async complete(portalId, agentId) {
      notConsulting(portalId, agentId);
      const state = await transfers.complete(portalId, agentId).catch(refused);
      return state === 'talking' ? 'transferred' : 'transferring';
    },
    async cancel(portalId, agentId) {
      notConsulting(portalId, agentId);
      await transfers.cancel(portalId, agentId).catch(refused);
    },
    onChange: (listener) => queues.agentCalls.on(listener),
  };
}
