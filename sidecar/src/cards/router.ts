// The card APIs under /api/cards, called by the crm-app cards through hubspot.fetch. Every
// route sits behind the signature check; the portal comes from the signed URL only, and every
// read and write below is scoped by it.
import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type Response,
  type Router,
} from 'express';
import { z } from 'zod';
import type { CrmRef } from '../outbox/kinds.ts';
import type { Clock, Logger } from '../ports.ts';
import type { CallHistory, CallSummary } from './call-history.ts';
import type { CardCrm } from './crm.ts';
import { CardApiError, notFound, notWired } from './errors.ts';
import { CampaignStateError, SettingsError, type CardPorts } from './ports.ts';
import type { CallScripts } from './scripts.ts';
import { signed, verifySignedCardRequest } from './signed-requests.ts';
import type { SupportAccess } from './support-access.ts';
import type { TicketsFromCalls } from './tickets.ts';

export interface CardServices {
  crm: CardCrm;
  support: SupportAccess;
  calls: CallHistory;
  scripts: CallScripts;
  tickets: TicketsFromCalls;
  ports: CardPorts;
}

const objectType = z.enum(['contacts', 'companies', 'deals', 'tickets']);
const objectId = z.string().regex(/^\d{1,20}$/, 'a HubSpot record id');
const recordQuery = z.object({ objectType, objectId }).loose();
const recordBody = z.object({ objectType, objectId }).strict();
const requestId = z.string().regex(/^[A-Za-z0-9-]{8,40}$/, '8–40 letters, digits and dashes');
const callId = z.string().min(1).max(36);
const answerValue = z.union([z.string().max(2000), z.number(), z.boolean()]);

const supportBody = z
  .object({ record: recordBody, action: z.enum(['grant', 'revoke']), requestId })
  .strict();
const removeNumberBody = z
  .object({ record: recordBody, number: z.string().min(3).max(32) })
  .strict();
const answersBody = z
  .object({
    callId,
    scriptId: z.string().min(1).max(36),
    record: recordBody,
    answers: z.record(z.string(), z.record(z.string(), answerValue)),
  })
  .strict();
const ticketBody = z.object({ callId, record: recordBody }).strict();
const emergencyBody = z.object({ enabled: z.boolean(), text: z.string().max(1000) }).strict();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const holidayBody = z
  .object({
    date: day,
    name: z.string().min(1).max(100),
    kind: z.enum(['holiday', 'closure']).optional(),
    to: day.optional(),
    /** The message callers hear that day (text-to-speech). */
    text: z.string().max(1000).optional(),
  })
  .strict();
const hhmm = z.string().regex(/^\d{2}:\d{2}$/, 'a time HH:MM');
const hoursBody = z
  .object({
    hours: z
      .array(
        z
          .object({
            day: z.number().int().min(1, 'ISO weekday 1–7').max(7, 'ISO weekday 1–7'),
            open: hhmm,
            close: hhmm,
          })
          .strict(),
      )
      .max(70),
    timeZone: z.string().min(1).max(64).optional(),
  })
  .strict();
const strategyBody = z.object({ strategy: z.string().min(1).max(40) }).strict();
const campaignId = z.string().regex(/^[A-Za-z0-9-]{1,36}$/, 'a campaign id');
const campaignAction = z.enum(['start', 'pause', 'resume', 'cancel']);

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success)
    throw new CardApiError(
      400,
      'INVALID_REQUEST',
      'the request is not valid',
      r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
    );
  return r.data;
}

const ref = (r: { objectType: CrmRef['objectType']; objectId: string }): CrmRef => ({
  objectType: r.objectType,
  id: r.objectId,
});

type Handler = (req: Request, res: Response) => Promise<unknown>;
/** Runs an async handler and answers its result as JSON; errors go to the error mapper. */
const json =
  (h: Handler) =>
  (req: Request, res: Response, next: NextFunction): void => {
    h(req, res).then((body) => res.json(body), next);
  };

export function createCardRouter(
  services: CardServices,
  opts: { clientSecret: string | undefined; publicUrl: string; clock: Clock; log: Logger },
): Router {
  const { crm, support, calls, scripts, tickets, ports } = services;
  const router = express.Router();
  router.use('/api/cards', ...verifySignedCardRequest(opts));

  const portal = (res: Response) => signed(res).portalId;
  const body = (res: Response) => signed(res).body;

  /** Contacts whose calls belong to a record: itself, or the contacts associated with it. */
  const contactsOf = async (portalId: string, record: CrmRef): Promise<string[]> =>
    record.objectType === 'contacts'
      ? [record.id]
      : crm.associatedIds(portalId, record.objectType, record.id, 'contacts');

  const recentCalls = async (portalId: string, record: CrmRef): Promise<CallSummary[]> =>
    calls.forContacts(portalId, await contactsOf(portalId, record));

  // Caller & contract card: support status, remembered numbers, recent calls.
  router.get(
    '/api/cards/caller',
    json(async (req, res) => {
      const record = ref(parse(recordQuery, req.query));
      const portalId = portal(res);
      const rememberedNumbers = ports.rememberedNumbers
        ? await ports.rememberedNumbers.list(portalId, record)
        : null;
      return {
        support: await support.read(portalId, record),
        rememberedNumbers,
        recentCalls: await recentCalls(portalId, record),
      };
    }),
  );

  router.post(
    '/api/cards/support',
    json(async (_req, res) => {
      const b = parse(supportBody, body(res));
      const status = await support.change(portal(res), ref(b.record), b.action, b.requestId);
      return { accepted: true, status };
    }),
  );

  router.post(
    '/api/cards/remembered-numbers/remove',
    json(async (_req, res) => {
      const b = parse(removeNumberBody, body(res));
      if (!ports.rememberedNumbers) throw notWired('remembered numbers');
      const removed = await ports.rememberedNumbers.remove(portal(res), ref(b.record), b.number);
      if (!removed) throw notFound('remembered number');
      return { removed: true };
    }),
  );

  router.get(
    '/api/cards/calls',
    json(async (req, res) => {
      const record = ref(parse(recordQuery, req.query));
      return { calls: await recentCalls(portal(res), record) };
    }),
  );

  // Call scripts: definitions (CRUD) and answers.
  router.get(
    '/api/cards/scripts',
    json(async (_req, res) => ({ scripts: await scripts.list(portal(res)) })),
  );
  router.post(
    '/api/cards/scripts',
    json(async (_req, res) => ({ script: await scripts.create(portal(res), body(res)) })),
  );
  router.put(
    '/api/cards/scripts/:id',
    json(async (req, res) => ({
      script: await scripts.update(portal(res), String(req.params.id), body(res)),
    })),
  );
  router.delete(
    '/api/cards/scripts/:id',
    json(async (req, res) => {
      await scripts.remove(portal(res), String(req.params.id));
      return { deleted: true };
    }),
  );
  router.post(
    '/api/cards/script-answers',
    json(async (_req, res) => {
      const b = parse(answersBody, body(res));
      const portalId = portal(res);
      if (!(await calls.byId(portalId, b.callId))) throw notFound('call');
      const { saved, created } = await scripts.saveAnswers(portalId, {
        callId: b.callId,
        scriptId: b.scriptId,
        record: ref(b.record),
        answers: b.answers,
      });
      res.status(created ? 201 : 200);
      return { answers: saved, created };
    }),
  );

  // Ticket actions.
  router.post(
    '/api/cards/tickets',
    json(async (_req, res) => {
      const b = parse(ticketBody, body(res));
      const ticket = await tickets.open(portal(res), b.callId, ref(b.record));
      res.status(ticket.created ? 201 : 200);
      return { ticket };
    }),
  );

  // Settings page.
  router.get(
    '/api/cards/settings',
    json(async (_req, res) => {
      const portalId = portal(res);
      return {
        routing: ports.routingSettings ? await ports.routingSettings.get(portalId) : null,
        acd: ports.acdAdmin ? await ports.acdAdmin.overview(portalId) : null,
      };
    }),
  );
  router.put(
    '/api/cards/settings/emergency',
    json(async (_req, res) => {
      const emergency = parse(emergencyBody, body(res));
      if (!ports.routingSettings) throw notWired('routing settings');
      return { routing: await ports.routingSettings.update(portal(res), { emergency }) };
    }),
  );
  router.put(
    '/api/cards/settings/hours',
    json(async (_req, res) => {
      const { hours, timeZone } = parse(hoursBody, body(res));
      if (!ports.routingSettings) throw notWired('routing settings');
      return {
        routing: await ports.routingSettings.update(portal(res), {
          hours,
          ...(timeZone ? { timeZone } : {}),
        }),
      };
    }),
  );
  router.post(
    '/api/cards/settings/holidays',
    json(async (_req, res) => {
      const h = parse(holidayBody, body(res));
      if (!ports.routingSettings) throw notWired('routing settings');
      const addHoliday = {
        date: h.date,
        name: h.name,
        ...(h.kind ? { kind: h.kind } : {}),
        ...(h.to ? { to: h.to } : {}),
        ...(h.text ? { text: h.text } : {}),
      };
      return { routing: await ports.routingSettings.update(portal(res), { addHoliday }) };
    }),
  );
  router.delete(
    '/api/cards/settings/holidays/:date',
    json(async (req, res) => {
      if (!ports.routingSettings) throw notWired('routing settings');
      return {
        routing: await ports.routingSettings.update(portal(res), {
          removeHoliday: String(req.params.date),
        }),
      };
    }),
  );
  router.put(
    '/api/cards/settings/queues/:id',
    json(async (req, res) => {
      const { strategy } = parse(strategyBody, body(res));
      if (!ports.acdAdmin) throw notWired('queues');
      const queue = await ports.acdAdmin.setQueueStrategy(
        portal(res),
        String(req.params.id),
        strategy,
      );
      if (!queue) throw notFound('queue');
      return { queue };
    }),
  );

  // Campaign card: the campaigns the contact is in, with progress and its answer.
  router.get(
    '/api/cards/campaigns',
    json(async (req, res) => {
      const record = ref(parse(recordQuery, req.query));
      if (!ports.campaigns) throw notWired('campaigns');
      // Campaigns call contacts; other records are in none.
      const campaigns =
        record.objectType === 'contacts'
          ? await ports.campaigns.forContact(portal(res), record.id)
          : [];
      return { campaigns };
    }),
  );
  router.post(
    '/api/cards/campaigns/:id/:action',
    json(async (req, res) => {
      const id = parse(campaignId, req.params.id);
      const action = parse(campaignAction, req.params.action);
      if (!ports.campaigns) throw notWired('campaigns');
      const state = await ports.campaigns.act(portal(res), id, action);
      if (state === null) throw notFound('campaign');
      return { state };
    }),
  );

  const onError: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    if (err instanceof CardApiError) {
      res.status(err.status).json({
        error: {
          code: err.code,
          message: err.message,
          ...(err.details ? { details: err.details } : {}),
        },
      });
      return;
    }
    // Body parser refusals (too large, bad encoding) carry their 4xx status.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: { code: 'BAD_REQUEST', message: (err as Error).message } });
      return;
    }
    if (err instanceof CampaignStateError) {
      res.status(409).json({ error: { code: 'CAMPAIGN_STATE', message: err.message } });
      return;
    }
    if (err instanceof SettingsError) {
      res.status(400).json({ error: { code: 'INVALID_SETTINGS', message: err.message } });
      return;
    }
    next(err);
  };
  router.use('/api/cards', onError);
  return router;
}
