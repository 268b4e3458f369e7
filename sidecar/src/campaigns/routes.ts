// The campaign HTTP API (JSON, per portal) and the Twilio SMS webhook. The workflow action
// "enroll in a call campaign" is served by the action mechanism (enroll-action.ts).
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import twilio from 'twilio';
import type { Clock, Logger } from '../ports.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import { CampaignError, type CampaignAction, type CampaignService } from './campaign-service.ts';
import { scalarText, SheetError } from './sheet.ts';
import type { SmsOutreach } from './sms-outreach.ts';

export interface CampaignRoutesDeps {
  service: CampaignService;
  /** HubSpot clients per portal (list sources). */
  portals?: HubSpotPortals;
  sms?: SmsOutreach;
  twilioAuthToken?: string;
  publicUrl?: string;
  activeCalls(): number;
  clock: Clock;
  log: Logger;
}

type Handler = (req: Request, res: Response) => Promise<void>;
const wrap = (h: Handler) => (req: Request, res: Response, next: NextFunction) => {
  h(req, res).catch(next);
};

function fullUrl(req: Request, publicUrl?: string): string {
  const base = publicUrl ?? `${req.protocol}://${req.get('host') ?? ''}`;
  return `${base.replace(/\/$/, '')}${req.originalUrl}`;
}

export function campaignRouter(d: CampaignRoutesDeps): Router {
  const r = Router();
  const json = express.json({ limit: '5mb' });
  const p = (req: Request, name: string) => String(req.params[name]);

  r.post(
    '/api/portals/:portalId/campaigns',
    json,
    wrap(async (req, res) => {
      const row = await d.service.create(p(req, 'portalId'), req.body);
      res.status(201).json({ id: row.id, state: row.state });
    }),
  );

  r.get(
    '/api/portals/:portalId/campaigns/:id',
    wrap(async (req, res) => {
      res.json(await d.service.progress(p(req, 'portalId'), p(req, 'id'), d.activeCalls()));
    }),
  );

  r.get(
    '/api/portals/:portalId/campaigns/:id/progress',
    wrap(async (req, res) => {
      res.json(await d.service.progress(p(req, 'portalId'), p(req, 'id'), d.activeCalls()));
    }),
  );

  for (const action of ['start', 'pause', 'resume', 'cancel'] as CampaignAction[]) {
    r.post(
      `/api/portals/:portalId/campaigns/:id/${action}`,
      wrap(async (req, res) => {
        res.json({ state: await d.service.act(p(req, 'portalId'), p(req, 'id'), action) });
      }),
    );
  }

  r.post(
    '/api/portals/:portalId/campaigns/:id/contacts',
    json,
    wrap(async (req, res) => {
      const rows = (req.body as { rows?: unknown }).rows;
      if (!Array.isArray(rows) || rows.some((x) => typeof x !== 'object' || x === null))
        throw new CampaignError('INVALID', 'body must be {rows: [{phone, …}]}');
      const stringRows = (rows as Record<string, unknown>[]).map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), scalarText(v)])),
      );
      res.json(await d.service.addContacts(p(req, 'portalId'), p(req, 'id'), stringRows));
    }),
  );

  r.post(
    '/api/portals/:portalId/campaigns/:id/sources/hubspot-list',
    json,
    wrap(async (req, res) => {
      const listId = (req.body as { listId?: unknown }).listId;
      if (typeof listId !== 'string' || !/^\d+$/.test(listId))
        throw new CampaignError('INVALID', 'body must be {listId: "<digits>"}');
      if (!d.portals) throw new CampaignError('INVALID', 'HubSpot is not configured');
      res.json(
        await d.service.addFromHubSpotList(d.portals, p(req, 'portalId'), p(req, 'id'), listId),
      );
    }),
  );

  const raw = express.raw({ type: () => true, limit: '50mb' });
  r.post(
    '/api/portals/:portalId/campaigns/:id/imports',
    raw,
    wrap(async (req, res) => {
      const format =
        req.query.format === 'xlsx' ? 'xlsx' : req.query.format === 'csv' ? 'csv' : null;
      if (!format) throw new CampaignError('INVALID', 'format must be csv or xlsx');
      if (!Buffer.isBuffer(req.body) || req.body.length === 0)
        throw new CampaignError('INVALID', 'empty upload');
      const imp = await d.service.startImport(p(req, 'portalId'), p(req, 'id'), req.body, format);
      res.status(202).json({ importId: imp.id, total: imp.total });
    }),
  );

  r.get(
    '/api/portals/:portalId/imports/:importId',
    wrap(async (req, res) => {
      res.json(await d.service.importStatus(p(req, 'portalId'), p(req, 'importId')));
    }),
  );

  r.get(
    '/api/portals/:portalId/campaigns/:id/export',
    wrap(async (req, res) => {
      const format = req.query.format === 'xlsx' ? 'xlsx' : 'csv';
      const data = await d.service.export(p(req, 'portalId'), p(req, 'id'), format);
      res
        .type(
          format === 'csv'
            ? 'text/csv'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
        .send(data);
    }),
  );

  r.get(
    '/api/portals/:portalId/contacts/:contactId/campaigns',
    wrap(async (req, res) => {
      res.json({ results: await d.service.forContact(p(req, 'portalId'), p(req, 'contactId')) });
    }),
  );

  // Twilio inbound SMS (form-encoded, signed with the auth token over URL + sorted params).
  r.post(
    '/twilio/sms/:portalId',
    express.urlencoded({ extended: false }),
    wrap(async (req, res) => {
      const params = req.body as Record<string, string>;
      const sig = req.get('x-twilio-signature') ?? '';
      if (
        !d.twilioAuthToken ||
        !d.sms ||
        !twilio.validateRequest(d.twilioAuthToken, sig, fullUrl(req, d.publicUrl), params)
      ) {
        res
          .status(403)
          .json({ error: { code: 'BAD_SIGNATURE', message: 'invalid Twilio signature' } });
        return;
      }
      const handled = await d.sms.handleReply(
        p(req, 'portalId'),
        params.From ?? '',
        params.Body ?? '',
        params.MessageSid ?? '',
      );
      d.log.info({ handled }, 'campaign SMS reply');
      res.type('text/xml').send('<Response></Response>');
    }),
  );

  r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof CampaignError) {
      const status = err.code === 'NOT_FOUND' ? 404 : err.code === 'BAD_STATE' ? 409 : 400;
      res
        .status(status)
        .json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    if (err instanceof SheetError) {
      res.status(400).json({ error: { code: err.code, message: err.message } });
      return;
    }
    next(err);
  });
  return r;
}
