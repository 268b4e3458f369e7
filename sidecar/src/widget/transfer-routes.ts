// The widget's transfer API (under /widget/api, behind the session-token check in router.ts):
// the agent's current queue caller, the targets, blind and attended transfers. Portal and agent
// come from the verified session only; a body naming an agent to act as is refused (strict).
import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import type { AgentSession } from './agent-session.ts';
import {
  TransferRefusedError,
  type QueueCallTransfers,
  type TransferRefusal,
} from './transfer-port.ts';

const id = z.string().trim().min(1).max(64);
const blindBody = z.union([
  z.object({ toAgentId: id }).strict(),
  z.object({ toQueueId: id }).strict(),
]);
const consultBody = z.object({ toAgentId: id }).strict();
const noBody = z.object({}).strict();

const statusOf: Record<TransferRefusal, number> = {
  BAD_TARGET: 400,
  UNKNOWN_COLLEAGUE: 404,
  UNKNOWN_QUEUE: 404,
  NOT_IN_QUEUE_CALL: 409,
  ALREADY_CONSULTING: 409,
  NOT_CONSULTING: 409,
  COLLEAGUE_UNAVAILABLE: 409,
  REFUSED: 409,
};

class BodyError extends Error {}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const detail = r.error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  throw new BodyError(detail);
}

/** What the widget shows of the agent's queue call: the stream's 'queue-call' event. */
export function queueCallEvent(transfers: QueueCallTransfers, portalId: string, agentId: string) {
  return {
    type: 'queue-call' as const,
    queueCall: transfers.current(portalId, agentId),
    consultedBy: transfers.consultedBy(portalId, agentId),
  };
}

export function addTransferRoutes(api: Router, transfers: QueueCallTransfers): void {
  type Work = (req: Request, res: Response, s: AgentSession) => Promise<void> | void;
  const route =
    (work: Work) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        await work(req, res, res.locals.session as AgentSession);
      } catch (err) {
        if (err instanceof BodyError)
          res.status(400).json({ error: { code: 'VALIDATION', message: err.message } });
        else if (err instanceof TransferRefusedError)
          res.status(statusOf[err.code]).json({ error: { code: err.code, message: err.message } });
        else next(err);
      }
    };

  api.get(
    '/queue-call',
    route((_req, res, s) => {
      const { queueCall, consultedBy } = queueCallEvent(transfers, s.portalId, s.agentId);
      res.json({ queueCall, consultedBy });
    }),
  );
  api.get(
    '/transfer-targets',
    route((_req, res, s) => {
      res.json(transfers.targets(s.portalId, s.agentId));
    }),
  );
  api.post(
    '/transfer',
    route(async (req, res, s) => {
      const body = parse(blindBody, req.body);
      await transfers.blind(
        s.portalId,
        s.agentId,
        'toAgentId' in body ? { agentId: body.toAgentId } : { queueId: body.toQueueId },
      );
      res.status(202).json({ status: 'transferring' });
    }),
  );
  api.post(
    '/consult',
    route(async (req, res, s) => {
      const { toAgentId } = parse(consultBody, req.body);
      await transfers.consult(s.portalId, s.agentId, toAgentId);
      res.status(202).json({ status: 'consulting' });
    }),
  );
  api.get(
    '/consult',
    route((_req, res, s) => {
      res.json({ consultation: transfers.current(s.portalId, s.agentId)?.consultation ?? null });
    }),
  );
  api.post(
    '/consult/complete',
    route(async (req, res, s) => {
      parse(noBody, req.body);
      res.json({ status: await transfers.complete(s.portalId, s.agentId) });
    }),
  );
  api.post(
    '/consult/cancel',
    route(async (req, res, s) => {
      parse(noBody, req.body);
      await transfers.cancel(s.portalId, s.agentId);
      res.json({ status: 'back with the caller' });
    }),
  );
}
