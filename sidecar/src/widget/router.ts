// The widget's HTTP surface under /widget: the page and its script, and a small JSON + server-
// sent-events API. Every /widget/api request carries the agent's session token (bearer) and is
// scoped to that token's portal and agent; nothing else is trusted from the browser.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { UnknownAgentError, type AgentPresence, type AgentStatus } from '../acd/port.ts';
import { toE164 } from '../domain/phone.ts';
import type { Clock, Logger } from '../ports.ts';
import { InvalidSessionError, verifyAgentToken, type AgentSession } from './agent-session.ts';
import type { WidgetAssets } from './bundle.ts';
import { viewOf } from './call-view.ts';
import { UnsafeDialValueError, type ClickToCall } from './click-to-call.ts';
import { addTransferRoutes, queueCallEvent } from './transfer-routes.ts';
import type { QueueCallTransfers } from './transfer-port.ts';
import type { Dispositions } from './dispositions.ts';
import type { WidgetEvents } from './events.ts';
import { WidgetCallError, type WidgetCallStore } from './widget-call-store.ts';

export interface WidgetRouterDeps {
  assets: WidgetAssets;
  secret: string;
  clock: Clock;
  log: Logger;
  presence: AgentPresence;
  events: WidgetEvents;
  store: WidgetCallStore;
  clickToCall: ClickToCall;
  dispositions: Dispositions;
  /** Transfers of the agent's queue caller (the ACD behind the port). */
  transfers: QueueCallTransfers;
  defaultCountry: string;
  /** Caller ID shown for click-to-call in the CRM (our trunk number), if configured. */
  fromNumber: string;
  /** Who may frame the page (CSP frame-ancestors): HubSpot's app domains. */
  frameAncestors: string;
  /** SSE keep-alive comment interval (proxies drop idle streams). */
  keepAliveMs?: number;
}

function sessionOf(res: Response): AgentSession {
  return res.locals.session as AgentSession;
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

export function widgetRouter(deps: WidgetRouterDeps): Router {
  const r = express.Router();

  r.get(['/widget', '/widget/'], (_req, res) => {
    res
      .type('html')
      .set('cache-control', 'no-store')
      // Framed by HubSpot only (clickjacking); the page runs only its own bundled script.
      .set(
        'content-security-policy',
        `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors ${deps.frameAncestors}`,
      )
      .send(deps.assets.html);
  });
  r.get('/widget/app.js', (_req, res) => {
    res.type('application/javascript').set('cache-control', 'no-cache').send(deps.assets.script);
  });

  const api = express.Router();
  api.use(express.json({ limit: '16kb' }));
  api.use((req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!m) return fail(res, 401, 'UNAUTHENTICATED', 'agent session token required');
    try {
      res.locals.session = verifyAgentToken(deps.secret, m[1]!, deps.clock.now());
      next();
    } catch (err) {
      if (err instanceof InvalidSessionError) return fail(res, 401, 'UNAUTHENTICATED', err.message);
      next(err);
    }
  });

  const statusOf = async (s: AgentSession): Promise<AgentStatus> =>
    (await deps.presence.get(s.portalId, s.agentId)) ?? {
      agentId: s.agentId,
      name: s.agentId,
      state: 'logged-off',
    };

  api.get('/me', async (_req, res) => {
    const s = sessionOf(res);
    res.json({ portalId: s.portalId, agentId: s.agentId, status: await statusOf(s) });
  });

  api.post('/presence', async (req, res) => {
    const s = sessionOf(res);
    const body = (req.body ?? {}) as { action?: unknown; reason?: unknown };
    const reason = typeof body.reason === 'string' && body.reason !== '' ? body.reason : 'widget';
    let status: AgentStatus;
    try {
      switch (body.action) {
        case 'login':
          status = await deps.presence.login(s.portalId, s.agentId);
          break;
        case 'logoff':
          status = await deps.presence.logoff(s.portalId, s.agentId);
          break;
        case 'pause':
          status = await deps.presence.pause(s.portalId, s.agentId, reason.slice(0, 100));
          break;
        case 'unpause':
          status = await deps.presence.unpause(s.portalId, s.agentId);
          break;
        default:
          return fail(res, 400, 'VALIDATION', 'action must be login, logoff, pause or unpause');
      }
    } catch (err) {
      // The ACD knows no such agent: the link names someone who is not (or no longer) an agent.
      if (err instanceof UnknownAgentError) return fail(res, 404, 'UNKNOWN_AGENT', err.message);
      throw err;
    }
    res.json({ status });
  });

  api.get('/events', async (req, res) => {
    const s = sessionOf(res);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Reverse proxies (nginx) must pass events through as they come.
      'x-accel-buffering': 'no',
    });
    const send = (event: unknown) => res.write(`data: ${JSON.stringify(event)}\n\n`);
    // Subscribe before reading the snapshot (nothing is missed), but hold live events until the
    // snapshot is out (nothing older overwrites them); register at once so shutdown can end it.
    let live = false;
    let closed = false;
    const held: unknown[] = [];
    const off = deps.events.subscribe(s.portalId, s.agentId, (e) =>
      live ? send(e) : held.push(e),
    );
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), deps.keepAliveMs ?? 15_000);
    const cleanup = () => {
      closed = true;
      clearInterval(keepAlive);
      off();
      unregister();
    };
    const unregister = deps.events.openStream(() => {
      cleanup();
      res.end();
    });
    req.on('close', cleanup);
    const snapshot = [
      { type: 'presence', status: await statusOf(s) },
      ...(await deps.store.openCalls(s.portalId, s.agentId, deps.clock.now() - 6 * 3_600_000)).map(
        (row) => ({ type: 'call', call: viewOf(row) }),
      ),
      // A widget reloaded while talking with a queue caller can still transfer them.
      queueCallEvent(deps.transfers, s.portalId, s.agentId),
    ];
    if (closed) return;
    for (const e of [...snapshot, ...held]) send(e);
    live = true;
  });

  api.get('/dispositions', async (_req, res) => {
    const s = sessionOf(res);
    try {
      res.json({ dispositions: await deps.dispositions.list(s.portalId) });
    } catch (err) {
      deps.log.warn({ err, portalId: s.portalId }, 'dispositions unavailable');
      fail(res, 502, 'CRM_UNAVAILABLE', 'dispositions could not be read from HubSpot');
    }
  });

  api.post('/calls', async (req, res) => {
    const s = sessionOf(res);
    const body = (req.body ?? {}) as { toNumber?: unknown; contactId?: unknown };
    const to =
      typeof body.toNumber === 'string' ? toE164(body.toNumber, deps.defaultCountry) : null;
    if (!to) return fail(res, 400, 'VALIDATION', 'toNumber must be a valid phone number');
    const contactId =
      typeof body.contactId === 'string' && /^\d{1,20}$/.test(body.contactId)
        ? body.contactId
        : null;
    const status = await statusOf(s);
    if (status.state === 'logged-off')
      return fail(res, 409, 'LOGGED_OFF', 'log in before placing calls');
    try {
      const row = await deps.clickToCall.start({
        portalId: s.portalId,
        agentId: s.agentId,
        toNumber: to,
        fromNumber: deps.fromNumber,
        contactId,
      });
      res.status(201).json({ call: viewOf(row) });
    } catch (err) {
      if (!(err instanceof UnsafeDialValueError)) throw err;
      fail(res, 400, 'VALIDATION', err.message);
    }
  });

  const handle =
    (work: (req: Request, res: Response, s: AgentSession) => Promise<void>) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        await work(req, res, sessionOf(res));
      } catch (err) {
        if (!(err instanceof WidgetCallError)) return next(err);
        const status = { NOT_FOUND: 404, CONFLICT: 409, VALIDATION: 400 }[err.code];
        fail(res, status, err.code, err.message);
      }
    };

  api.post(
    '/calls/:id/hangup',
    handle(async (req, res, s) => {
      const id = String(req.params.id);
      await deps.store.get(s.portalId, s.agentId, id);
      const hungUp = await deps.clickToCall.hangup(s.portalId, s.agentId, id);
      res.json({ hungUp });
    }),
  );

  api.post(
    '/calls/:id/engagement',
    handle(async (req, res, s) => {
      const body = (req.body ?? {}) as { engagementId?: unknown };
      const engagementId =
        typeof body.engagementId === 'number' || typeof body.engagementId === 'string'
          ? String(body.engagementId)
          : '';
      const row = await deps.store.attachEngagement(
        s.portalId,
        s.agentId,
        String(req.params.id),
        engagementId,
      );
      res.json({ call: viewOf(row), engagementId: row.engagementId });
    }),
  );

  api.post(
    '/calls/:id/disposition',
    handle(async (req, res, s) => {
      const body = (req.body ?? {}) as { disposition?: unknown };
      const disposition = typeof body.disposition === 'string' ? body.disposition : '';
      const known = await deps.dispositions.list(s.portalId);
      if (!known.some((d) => d.id === disposition))
        return fail(res, 400, 'VALIDATION', 'disposition must be one of the account dispositions');
      const row = await deps.store.setDisposition(
        s.portalId,
        s.agentId,
        String(req.params.id),
        disposition,
      );
      res.json({ call: viewOf(row), disposition: row.disposition });
    }),
  );

  addTransferRoutes(api, deps.transfers);

  // Malformed or oversized JSON from the browser: a clear 400, not a 500.
  api.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed')
      return fail(res, 400, 'VALIDATION', 'body is not valid JSON');
    if (type === 'entity.too.large') return fail(res, 413, 'TOO_LARGE', 'body too large');
    next(err);
  });

  r.use('/widget/api', api);
  return r;
}
