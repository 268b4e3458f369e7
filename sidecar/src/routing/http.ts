// /api/routing/… — what the CRM settings page and the caller card call. Mountable behind the
// CRM signature middleware: the account comes from `portalIdOf(req, res)` (the middleware's
// verdict), and every handler passes it explicitly to the service.
import { Router, type Request, type Response, json } from 'express';
import { z } from 'zod';
import { WEEKDAYS } from '../domain/calendar.ts';
import { calendarOf, type FlowsFile } from './flow-schema.ts';
import type { FlowStore } from './flow-store.ts';
import type { RememberedNumbers } from './remembered-numbers.ts';
import { RoutingInputError, type RoutingSettings } from './settings-store.ts';

const hoursSchema = z.partialRecord(z.enum(WEEKDAYS), z.array(z.tuple([z.string(), z.string()])));
const calendarChange = z.strictObject({
  timeZone: z.string().nullable().optional(),
  hours: hoursSchema.nullable().optional(),
});
const exceptionInput = z.strictObject({
  kind: z.enum(['holiday', 'closure']),
  name: z.string().min(1).max(200),
  from: z.string(),
  to: z.string().optional(),
  media: z.string().max(255).optional(),
  text: z.string().max(1000).optional(),
});
const announcementInput = z.strictObject({
  enabled: z.boolean(),
  media: z.string().max(255).nullable().optional(),
  text: z.string().max(1000).nullable().optional(),
});

export interface RoutingApiDeps {
  settings: RoutingSettings;
  remembered: RememberedNumbers;
  flows: FlowStore;
  portalIdOf(req: Request, res: Response): string | undefined;
}

function bad(res: Response, problems: readonly string[]): void {
  res
    .status(400)
    .json({ error: { code: 'INVALID_INPUT', message: problems.join('; '), problems } });
}

export function routingRouter(deps: RoutingApiDeps): Router {
  const r = Router();
  r.use('/api/routing', json({ limit: '64kb' }));
  // Nothing here is public: without an account (signature middleware or admin token) → 401.
  r.use('/api/routing', (req, res, next) => {
    if (deps.portalIdOf(req, res)) next();
    else res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'sign the request' } });
  });
  const portal = (req: Request, res: Response): string | undefined => {
    const id = deps.portalIdOf(req, res);
    if (!id) res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'no account' } });
    return id;
  };
  const baseCalendar = (file: FlowsFile, id: string) => {
    const c = file.calendars[id];
    return c ? calendarOf(c) : undefined;
  };
  const parse = <T>(schema: z.ZodType<T>, body: unknown, res: Response): T | undefined => {
    const p = schema.safeParse(body);
    if (p.success) return p.data;
    bad(
      res,
      p.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
    );
    return undefined;
  };
  const guard = async (res: Response, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      if (err instanceof RoutingInputError) bad(res, err.problems);
      else throw err;
    }
  };

  r.get('/api/routing/flows', (_req, res) => {
    const file = deps.flows.current();
    res.json({
      ...deps.flows.status(),
      numbers: file.numbers,
      default: file.default,
      flows: Object.keys(file.flows),
      calendars: Object.keys(file.calendars),
      queues: file.queues,
    });
  });
  r.post('/api/routing/flows/reload', async (_req, res) => {
    const result = await deps.flows.reload();
    if (result.ok) res.json(result);
    else bad(res, result.problems);
  });

  r.get('/api/routing/calendars/:id', async (req, res) => {
    const portalId = portal(req, res);
    if (!portalId) return;
    const base = baseCalendar(deps.flows.current(), req.params.id);
    if (!base)
      return void res
        .status(404)
        .json({ error: { code: 'NOT_FOUND', message: 'no such calendar' } });
    res.json(await deps.settings.effectiveCalendar(portalId, req.params.id, base));
  });
  r.put('/api/routing/calendars/:id', async (req, res) => {
    const portalId = portal(req, res);
    if (!portalId) return;
    const base = baseCalendar(deps.flows.current(), req.params.id);
    if (!base)
      return void res
        .status(404)
        .json({ error: { code: 'NOT_FOUND', message: 'no such calendar' } });
    const change = parse(calendarChange, req.body, res);
    if (!change) return;
    await guard(res, async () => {
      res.json(await deps.settings.setCalendar(portalId, req.params.id, base, change));
    });
  });
  r.post('/api/routing/calendars/:id/exceptions', async (req, res) => {
    const portalId = portal(req, res);
    if (!portalId) return;
    const base = baseCalendar(deps.flows.current(), req.params.id);
    if (!base)
      return void res
        .status(404)
        .json({ error: { code: 'NOT_FOUND', message: 'no such calendar' } });
    const input = parse(exceptionInput, req.body, res);
    if (!input) return;
    await guard(res, async () => {
      const created = await deps.settings.addException(portalId, req.params.id, base, {
        ...input,
        to: input.to ?? input.from,
      });
      res.status(201).json(created);
    });
  });
  r.delete('/api/routing/calendars/:id/exceptions/:exceptionId', async (req, res) => {
    const portalId = portal(req, res);
    if (!portalId) return;
    const gone = await deps.settings.removeException(
      portalId,
      req.params.id,
      req.params.exceptionId,
    );
    res.status(gone ? 204 : 404).end();
  });

  r.get('/api/routing/announcements/:id', async (req, res) => {
    const portalId = portal(req, res);
    if (!portalId) return;
    res.json(
      (await deps.settings.announcement(portalId, req.params.id)) ?? {
        enabled: false,
        media: null,
        text: null,
      },
    );
  });
  r.put('/api/routing/announcements/:id', async (req, res) => {
    const portalId = portal(req, res);
    if (!portalId) return;
    const input = parse(announcementInput, req.body, res);
    if (!input) return;
    res.json(
      await deps.settings.setAnnouncement(portalId, req.params.id, {
        enabled: input.enabled,
        media: input.media ?? null,
        text: input.text ?? null,
      }),
    );
  });

  r.get('/api/routing/remembered-numbers', async (req, res) => {
    const portalId = portal(req, res);
    if (!portalId) return;
    const id = req.query.objectId;
    const type = (['companies', 'contacts'] as const).find((t) => t === req.query.objectType);
    const ref = type && typeof id === 'string' ? { type, id } : undefined;
    res.json({ results: await deps.remembered.list(portalId, ref) });
  });
  r.delete('/api/routing/remembered-numbers/:id', async (req, res) => {
    const portalId = portal(req, res);
    if (!portalId) return;
    res.status((await deps.remembered.forget(portalId, req.params.id)) ? 204 : 404).end();
  });
  return r;
}
