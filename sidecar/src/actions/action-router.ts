// One POST route per registered workflow action (path from manifest.json). HubSpot signs these
// requests with X-HubSpot-Signature v2 (its documentation for custom workflow actions); v3 is
// accepted too. The body names the portal, the callbackId and the enrolled object.
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { rawBody, rawBodyText, verifySignedRequest } from '../http/signed-request.ts';
import type { Clock, Logger } from '../ports.ts';
import type { WorkflowActions } from './workflow-actions.ts';

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

const executionSchema = z
  .object({
    callbackId: z.string().min(1).max(128),
    origin: z.object({ portalId: id, actionDefinitionId: id.optional() }).loose(),
    context: z
      .object({ source: z.string().optional(), workflowId: id.optional() })
      .loose()
      .optional(),
    object: z
      .object({ objectId: id, objectType: z.string().min(1) })
      .loose()
      .optional(),
    inputFields: z.record(z.string(), z.unknown()).default({}),
  })
  .loose();

export function actionRouter(d: {
  actions: WorkflowActions;
  clientSecret: string;
  publicUrl: () => string;
  clock: Clock;
  log: Logger;
}): Router {
  const r = express.Router();
  const parse = rawBody();
  // Looked up per request, so actions registered after wiring (campaigns) are served too.
  r.post(/.*/, (req, res, next) => {
    const action = d.actions.registered().find((a) => a.path === req.path);
    if (!action) {
      next();
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (err) {
        next(err);
        return;
      }
      handle(action.id, req, res).catch(next);
    });
  });

  async function handle(actionId: string, req: Request, res: Response): Promise<void> {
    const sig = verifySignedRequest(req, {
      secret: d.clientSecret,
      publicUrl: d.publicUrl(),
      now: d.clock.now(),
      accept: ['v2', 'v3'],
    });
    if (!sig.ok) {
      d.log.warn(
        { action: actionId, reason: sig.reason },
        'workflow action refused: bad signature',
      );
      res.status(401).json({ message: `signature ${sig.reason}` });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(rawBodyText(req));
    } catch {
      res.status(400).json({ message: 'body is not JSON' });
      return;
    }
    const parsed = executionSchema.safeParse(json);
    if (!parsed.success) {
      res.status(400).json({
        message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
      return;
    }
    const b = parsed.data;
    const answer = await d.actions.execute({
      actionId,
      portalId: b.origin.portalId,
      callbackId: b.callbackId,
      object: b.object
        ? { objectType: b.object.objectType, objectId: b.object.objectId }
        : undefined,
      inputFields: b.inputFields,
    });
    if (answer.status === 503) res.setHeader('Retry-After', '30');
    res.status(answer.status).json(answer.body);
  }
  return r;
}
