// HTTP API of the ACD. /api/agents/… is what the calling widget uses (presence, live view as
// server-sent events); /api/acd/… is the settings page (agents, queues, strategies) and the
// statistics. Every request names its account with ?portalId= (or the body's portalId);
// single-account installs may leave it out.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { AgentStateError } from './domain/agent-state.ts';
import { computeStats } from './domain/stats.ts';
import { Strategies } from './domain/strategy.ts';
import { AcdInputError, publicAgent, type AcdAdmin } from './admin.ts';
import { AgentNotFoundError, type AgentRegistry } from './presence.ts';
import type { AcdRepository } from './store/acd-repository.ts';
import type { QueueDirectory } from './directory.ts';
import type { QueueService } from './queue-service.ts';
import { TransferError } from './transfers.ts';

type Handler = (req: Request, res: Response) => Promise<void> | void;

const statsQuery = z.object({
  from: z.coerce.number().int().min(0),
  to: z.coerce.number().int().min(0),
  queueId: z.string().optional(),
  serviceLevelSeconds: z.coerce.number().int().min(1).max(3600).optional(),
});

export function acdRouter(deps: {
  defaultPortalId: string;
  repo: AcdRepository;
  agents: AgentRegistry;
  admin: AcdAdmin;
  directory: QueueDirectory;
  queues: QueueService;
}): Router {
  const { agents, admin, repo } = deps;
  const r = express.Router();
  r.use('/api/agents', express.json({ limit: '16kb' }));
  r.use('/api/acd', express.json({ limit: '256kb' }));

  const portalOf = (req: Request): string => {
    const body = req.body as { portalId?: unknown } | undefined;
    const p = req.query.portalId ?? body?.portalId ?? deps.defaultPortalId;
    if (typeof p !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(p))
      throw new AcdInputError('portalId: an account id');
    return p;
  };
  const wrap =
    (h: Handler) =>
    (req: Request, res: Response, next: NextFunction): void => {
      Promise.resolve(h(req, res)).catch(next);
    };
  const param = (req: Request, name: string) => String(req.params[name]);

  // Presence (widget).
  r.get(
    '/api/agents',
    wrap((req, res) => {
      const portalId = portalOf(req);
      res.json({ agents: agents.inPortal(portalId).map((a) => agents.status(a)) });
    }),
  );
  r.get(
    '/api/agents/events',
    wrap((req, res) => {
      const portalId = portalOf(req);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      // Headers now: with no agent yet nothing is written, and the client would wait for them.
      res.flushHeaders();
      for (const a of agents.inPortal(portalId))
        res.write(`event: agent\ndata: ${JSON.stringify(agents.status(a))}\n\n`);
      const off = agents.onChange((p, status) => {
        if (p === portalId) res.write(`event: agent\ndata: ${JSON.stringify(status)}\n\n`);
      });
      req.on('close', off);
    }),
  );
  r.get(
    '/api/agents/:id',
    wrap(async (req, res) => {
      const status = await agents.get(portalOf(req), param(req, 'id'));
      if (!status) throw new AgentNotFoundError(param(req, 'id'));
      res.json(status);
    }),
  );
  const presence = (action: 'login' | 'logoff' | 'unpause') =>
    wrap(async (req, res) => {
      res.json(await agents[action](portalOf(req), param(req, 'id')));
    });
  r.post('/api/agents/:id/login', presence('login'));
  r.post('/api/agents/:id/logoff', presence('logoff'));
  r.post('/api/agents/:id/unpause', presence('unpause'));
  r.post(
    '/api/agents/:id/pause',
    wrap(async (req, res) => {
      const body = req.body as { reason?: unknown } | undefined;
      const reason = body?.reason ?? 'widget';
      if (typeof reason !== 'string' || reason.length === 0 || reason.length > 200)
        throw new AcdInputError('reason: text up to 200 characters');
      res.json(await agents.pause(portalOf(req), param(req, 'id'), reason));
    }),
  );

  // Transfers of the agent's current caller (Q6). Blind: to another agent or to a queue.
  r.post(
    '/api/agents/:id/transfer',
    wrap(async (req, res) => {
      const body = (req.body ?? {}) as { toAgentId?: unknown; toQueueId?: unknown };
      const { toAgentId, toQueueId } = body;
      if ((typeof toAgentId === 'string') === (typeof toQueueId === 'string'))
        throw new AcdInputError('give one of toAgentId, toQueueId');
      await deps.queues.transfers.blind(
        portalOf(req),
        param(req, 'id'),
        typeof toAgentId === 'string' ? { agentId: toAgentId } : { queueId: String(toQueueId) },
      );
      res.status(202).json({ status: 'transferring' });
    }),
  );
  // Attended: consult a colleague while the caller holds, then complete or cancel.
  r.post(
    '/api/agents/:id/consult',
    wrap(async (req, res) => {
      const { toAgentId } = (req.body ?? {}) as { toAgentId?: unknown };
      if (typeof toAgentId !== 'string' || toAgentId.length === 0)
        throw new AcdInputError('toAgentId: the colleague to consult');
      await deps.queues.transfers.consult(portalOf(req), param(req, 'id'), toAgentId);
      res.status(202).json({ status: 'consulting' });
    }),
  );
  r.get(
    '/api/agents/:id/consult',
    wrap(async (req, res) => {
      const c = await deps.queues.transfers.consultation(portalOf(req), param(req, 'id'));
      if (!c) throw new TransferError(`agent ${param(req, 'id')} is not consulting anyone`);
      res.json({ toAgentId: c.toAgentId, state: c.state });
    }),
  );
  r.post(
    '/api/agents/:id/consult/complete',
    wrap(async (req, res) => {
      const state = await deps.queues.transfers.complete(portalOf(req), param(req, 'id'));
      // Ringing: the colleague gets the caller on answering (or the queue, if they don't).
      res.json({ status: state === 'talking' ? 'transferred' : 'transferring' });
    }),
  );
  r.post(
    '/api/agents/:id/consult/cancel',
    wrap(async (req, res) => {
      await deps.queues.transfers.cancel(portalOf(req), param(req, 'id'));
      res.json({ status: 'back with the caller' });
    }),
  );

  // Settings.
  r.get('/api/acd/strategies', (_req, res) => {
    res.json({ strategies: Strategies });
  });
  r.get(
    '/api/acd/agents',
    wrap(async (req, res) => {
      res.json({ agents: (await repo.listAgents(portalOf(req))).map(publicAgent) });
    }),
  );
  r.post(
    '/api/acd/agents',
    wrap(async (req, res) => {
      res
        .status(201)
        .json(publicAgent(await admin.createAgent(portalOf(req), withoutPortal(req.body))));
    }),
  );
  r.patch(
    '/api/acd/agents/:id',
    wrap(async (req, res) => {
      const row = await admin.updateAgent(portalOf(req), param(req, 'id'), withoutPortal(req.body));
      if (!row) throw new AgentNotFoundError(param(req, 'id'));
      res.json(publicAgent(row));
    }),
  );
  r.get(
    '/api/acd/queues',
    wrap(async (req, res) => {
      res.json({ queues: await admin.describeQueues(portalOf(req)) });
    }),
  );
  r.put(
    '/api/acd/queues/:id',
    wrap(async (req, res) => {
      res.json(await admin.putQueue(portalOf(req), param(req, 'id'), withoutPortal(req.body)));
    }),
  );
  r.get(
    '/api/acd/stats',
    wrap(async (req, res) => {
      const portalId = portalOf(req);
      const q = statsQuery.safeParse(req.query);
      if (!q.success)
        throw new AcdInputError(
          q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      const { from, to, queueId } = q.data;
      const sl =
        q.data.serviceLevelSeconds ??
        (queueId ? deps.directory.get(portalId, queueId)?.row.serviceLevelSeconds : undefined) ??
        20;
      const rows = await repo.callsBetween(portalId, from, to, queueId);
      res.json({ portalId, from, to, serviceLevelSeconds: sl, ...computeStats(rows, sl * 1000) });
    }),
  );

  // Errors of this API, mapped here so the app's catch-all stays generic.
  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof AcdInputError || err instanceof SyntaxError)
      res.status(400).json({ error: { code: 'BAD_REQUEST', message: err.message } });
    else if (err instanceof AgentNotFoundError)
      res.status(404).json({ error: { code: err.code, message: err.message } });
    else if (err instanceof AgentStateError || err instanceof TransferError)
      res.status(409).json({ error: { code: err.code, message: err.message } });
    else next(err);
  });
  return r;
}

function withoutPortal(body: unknown): unknown {
  if (body && typeof body === 'object' && 'portalId' in body) {
    const rest: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    delete rest.portalId;
    return rest;
  }
  return body;
}
