// HubSpot's error envelope: {status:"error", message, correlationId, category, ...}.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export type ErrorCategory =
  | 'VALIDATION_ERROR'
  | 'OBJECT_NOT_FOUND'
  | 'INVALID_AUTHENTICATION'
  | 'EXPIRED_AUTHENTICATION'
  | 'MISSING_SCOPES'
  | 'RATE_LIMITS'
  | 'CONFLICT'
  | 'OBJECT_ALREADY_EXISTS'
  | 'INTERNAL_ERROR'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE';

export interface PropertyValueError {
  isValid: false;
  message: string;
  error: string;
  name: string;
}

export class HubSpotError extends Error {
  readonly status: number;
  readonly category: ErrorCategory;
  readonly extra: Record<string, unknown>;

  constructor(
    status: number,
    category: ErrorCategory,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = status;
    this.category = category;
    this.extra = extra;
  }

  body(): Record<string, unknown> {
    return {
      status: 'error',
      message: this.message,
      correlationId: randomUUID(),
      category: this.category,
      ...this.extra,
    };
  }
}

export const validation = (message: string, extra: Record<string, unknown> = {}): HubSpotError =>
  new HubSpotError(400, 'VALIDATION_ERROR', message, extra);

export const notFound = (message: string, extra: Record<string, unknown> = {}): HubSpotError =>
  new HubSpotError(404, 'OBJECT_NOT_FOUND', message, extra);

export const conflict = (message: string, extra: Record<string, unknown> = {}): HubSpotError =>
  new HubSpotError(409, 'CONFLICT', message, extra);

export const invalidAuth = (message?: string): HubSpotError =>
  new HubSpotError(
    401,
    'INVALID_AUTHENTICATION',
    message ??
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
  );

/** The error HubSpot gives for bad property values: the details are JSON inside the message. */
export function propertyErrors(errors: PropertyValueError[]): HubSpotError {
  return validation(`Property values were not valid: ${JSON.stringify(errors)}`);
}

export function tooManyInputs(count: number, max: number): HubSpotError {
  return validation(`Too many inputs: ${count} were provided, max ${max} inputs per batch.`, {
    context: { maxInputs: [String(max)], inputs: [String(count)] },
  });
}

const SERVER_MESSAGES: Record<number, [ErrorCategory, string]> = {
  500: ['INTERNAL_ERROR', 'internal error'],
  502: ['BAD_GATEWAY', 'Bad Gateway'],
  503: ['SERVICE_UNAVAILABLE', 'Service Unavailable'],
  504: ['BAD_GATEWAY', 'Gateway Timeout'],
};

export function serverError(status: number): HubSpotError {
  const [category, message] = SERVER_MESSAGES[status] ?? ['INTERNAL_ERROR', 'internal error'];
  return new HubSpotError(status, category, message);
}

export function sendError(res: Response, err: HubSpotError): void {
  if (res.headersSent) return;
  res.status(err.status).json(err.body());
}

export function notFoundRoute(req: Request, _res: Response, next: NextFunction): void {
  const path = req.originalUrl.split('?')[0] ?? req.path;
  next(notFound(`Unable to route ${req.method} ${path}`, { subCategory: 'ROUTE_NOT_FOUND' }));
}

interface BodyParserError {
  name?: unknown;
  type?: unknown;
  status?: unknown;
  message?: unknown;
}

/** Maps anything thrown by a handler to HubSpot's envelope. */
export function toHubSpotError(err: unknown): HubSpotError {
  if (err instanceof HubSpotError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as BodyParserError;
  if (e.type === 'entity.parse.failed') {
    return validation(`Invalid input JSON: ${String(e.message)}`);
  }
  if (e.name === 'MulterError') {
    return validation(`Invalid multipart body: ${String(e.message)}`);
  }
  if (e.type === 'entity.too.large') {
    return new HubSpotError(413, 'VALIDATION_ERROR', 'Request entity too large');
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return validation(typeof e.message === 'string' ? e.message : 'Bad request');
  }
  console.error('[hubspot-sandbox] unexpected error', err);
  return serverError(500);
}
