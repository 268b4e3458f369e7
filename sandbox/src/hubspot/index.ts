// A strict local stand-in for the HubSpot API (see sandbox/src/hubspot/README.md).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { associationsRouter } from './associations.ts';
import { authMiddleware } from './auth.ts';
import { automationRouter } from './automation.ts';
import { batchRouter } from './batch.ts';
import { callingRouter, dispositionsRouter } from './calling.ts';
import { callingHostRouter } from './calling-host.ts';
import { controlRouter, createControl, type SandboxControl } from './control.ts';
import { notFoundRoute, sendError, serverError, toHubSpotError } from './errors.ts';
import { Faults } from './faults.ts';
import { fileBytesRouter, filesRouter } from './files.ts';
import { listsRouter } from './lists.ts';
import { ctx } from './http.ts';
import { oauthRouter } from './oauth.ts';
import { objectsRouter } from './objects.ts';
import { ownersRouter } from './owners.ts';
import { pageRouter } from './page.ts';
import { propertyGroupsRouter } from './property-groups.ts';
import { propertiesRouter } from './property-routes.ts';
import { DEFAULT_RATE_LIMITS, rateLimitMiddleware, type RateLimitOptions } from './ratelimit.ts';
import { searchRouter } from './search.ts';
import { SandboxState, type CreatePortalInput, type PortalCredentials } from './state.ts';
import { eventsRouter, templatesRouter } from './timeline.ts';
import type { RequestLogEntry } from './types.ts';

export type { FaultConfig } from './faults.ts';
export type { RateLimitOptions } from './ratelimit.ts';
export type { ObjectDump, SandboxControl, SeedInput } from './control.ts';
export type { CreatePortalInput, PortalCredentials } from './state.ts';
export type { RequestLogEntry } from './types.ts';
export { SandboxState } from './state.ts';
export { Faults } from './faults.ts';

export interface HubSpotSandboxOptions {
  /** The sandbox clock (epoch ms): rate windows, token expiry, timestamps, index delay. */
  clock?: () => number;
  /** Random source for `errorRate` faults. */
  random?: () => number;
  rateLimits?: Partial<RateLimitOptions>;
  /** Delay before writes become visible to search (default 0; faults can override). */
  searchIndexDelayMs?: number;
  /** Lifetime of OAuth access tokens (default 1800 s). */
  accessTokenTtlSeconds?: number;
  /** Accept http:// in URL properties (hs_call_recording_url); HubSpot wants https. */
  allowHttpUrls?: boolean;
  /** A portal created now and again after every reset (same id and token). */
  defaultPortal?: CreatePortalInput;
}

export interface RunningSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface HubSpotSandbox extends SandboxControl {
  app: Express;
  state: SandboxState;
  faults: Faults;
  limits: RateLimitOptions;
  defaultPortal?: PortalCredentials;
  listen(port?: number, host?: string): Promise<RunningSandbox>;
}

const UNLOGGED = /^\/(_sandbox(\/|$)|$|portals\/|favicon\.ico$)/;

function requestLog(state: SandboxState): RequestHandler {
  return (req, res, next) => {
    if (UNLOGGED.test(req.path)) {
      next();
      return;
    }
    const started = performance.now();
    const entry: RequestLogEntry = {
      method: req.method,
      path: req.path,
      query: req.originalUrl.includes('?')
        ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
        : '',
      status: 0,
      time: state.now(),
      durationMs: 0,
    };
    state.logRequest(entry);
    const done = () => {
      entry.status = res.headersSent ? res.statusCode : 0;
      entry.durationMs = Math.round(performance.now() - started);
      const portalId = ctx(res).portal?.portalId;
      if (portalId !== undefined) entry.portalId = portalId;
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}

const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const failWith = ctx(res).failWith;
  sendError(res, failWith !== undefined ? serverError(failWith) : toHubSpotError(err));
};

export function createHubSpotSandbox(opts: HubSpotSandboxOptions = {}): HubSpotSandbox {
  const clock = opts.clock ?? Date.now;
  const faults = new Faults(clock, opts.random ?? Math.random);
  const state = new SandboxState({
    clock,
    random: opts.random ?? Math.random,
    searchIndexDelayMs: () => faults.searchIndexDelayMs() ?? opts.searchIndexDelayMs ?? 0,
    allowHttpUrls: opts.allowHttpUrls ?? false,
  });
  const limits: RateLimitOptions = { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits };
  let defaultPortal: PortalCredentials | undefined;
  const seedDefault = () => {
    if (opts.defaultPortal)
      defaultPortal = state.createPortal({ ...opts.defaultPortal, ...defaultPortal });
  };
  const control = createControl(state, faults, seedDefault);
  seedDefault();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLog(state));
  app.use(express.json({ limit: '20mb' }));
  app.use(controlRouter(state, control));
  app.use(pageRouter(state));
  app.use(callingHostRouter(state));
  app.use(faults.middleware());
  app.use(oauthRouter(state, opts.accessTokenTtlSeconds ?? 1800));
  app.use(fileBytesRouter(state));
  // App-level endpoints authenticated with the developer key (or the app's OAuth token).
  app.use(callingRouter(state));
  app.use(templatesRouter(state));
  // Everything below needs a portal's bearer token and counts against its rate limits.
  app.use(authMiddleware(state));
  app.use(rateLimitMiddleware(state, limits, faults));
  app.use(searchRouter(state));
  app.use(batchRouter(state));
  app.use(objectsRouter(state));
  app.use(associationsRouter(state));
  // Groups first: /properties/:type/groups would otherwise be read as a property named "groups".
  app.use(propertyGroupsRouter());
  app.use(propertiesRouter(state));
  app.use(filesRouter(state));
  app.use(automationRouter(state));
  app.use(listsRouter(state));
  app.use(eventsRouter(state));
  app.use(ownersRouter(state));
  app.use(dispositionsRouter());
  app.use(notFoundRoute);
  app.use(errorHandler);

  const listen = (port = 0, host = '127.0.0.1'): Promise<RunningSandbox> =>
    new Promise((resolve, reject) => {
      const server = createServer(app);
      server.once('error', reject);
      server.listen(port, host, () => {
        const actual = (server.address() as AddressInfo).port;
        resolve({
          url: `http://${host}:${actual}`,
          port: actual,
          close: () =>
            new Promise<void>((done, fail) => {
              server.close((e) => (e ? fail(e) : done()));
              server.closeAllConnections();
            }),
        });
      });
    });

  return {
    ...control,
    app,
    state,
    faults,
    limits,
    get defaultPortal() {
      return defaultPortal;
    },
    listen,
  };
}
