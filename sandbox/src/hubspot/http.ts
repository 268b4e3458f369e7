// Small helpers shared by the route modules.
import type { Request, Response } from 'express';
import { HubSpotError, sendError, serverError, validation } from './errors.ts';
import type { Portal, TokenInfo } from './types.ts';

export interface RequestContext {
  portal?: Portal;
  token?: TokenInfo;
  /** Set by the fault injector: answer this 5xx after the request was processed. */
  failWith?: number;
}

export function ctx(res: Response): RequestContext {
  return res.locals as RequestContext;
}

/** The authenticated portal (the auth middleware guarantees it on API routes). */
export function portalOf(res: Response): Portal {
  const portal = ctx(res).portal;
  if (!portal) throw new HubSpotError(401, 'INVALID_AUTHENTICATION', 'No portal');
  return portal;
}

/** Sends a success response, unless a fault says the answer is lost after the work was done. */
export function ok(res: Response, status: number, body?: unknown): void {
  const failWith = ctx(res).failWith;
  if (failWith !== undefined) {
    sendError(res, serverError(failWith));
    return;
  }
  if (body === undefined) res.status(status).end();
  else res.status(status).json(body);
}

export function bodyOf(req: Request): unknown {
  return req.body as unknown;
}

export function param(req: Request, name: string): string {
  const value = (req.params as Record<string, string | undefined>)[name];
  if (value === undefined) throw validation(`Missing path parameter ${name}`);
  return value;
}

export function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** `?properties=a,b&properties=c` → ['a','b','c']; absent → undefined. */
export function queryList(req: Request, name: string): string[] | undefined {
  const v = req.query[name];
  const parts =
    typeof v === 'string'
      ? [v]
      : Array.isArray(v)
        ? v.filter((x) => typeof x === 'string')
        : undefined;
  if (!parts) return undefined;
  return parts
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function queryInt(req: Request, name: string, dflt: number, max: number): number {
  const raw = queryString(req, name);
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw validation(`${name} must be a positive integer`);
  if (n > max) throw validation(`${name} must be at most ${max}`);
  return n;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
