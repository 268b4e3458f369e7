// POST /webhooks/hubspot: verify X-HubSpot-Signature-v3 over the raw body (stale timestamps
// refused), validate the batch, store it in the inbox in one statement (duplicates ignored),
// answer 200, and let the inbox worker do the rest. Nothing slow happens before the answer.
import express, { type Router } from 'express';
import { rawBody, rawBodyText, verifySignedRequest } from '../http/signed-request.ts';
import type { Clock, Logger } from '../ports.ts';
import { webhookEventSchema, type WebhookEvent } from './events.ts';
import type { WebhookInbox } from './inbox-store.ts';

export interface WebhookRouterDeps {
  path: string;
  clientSecret: string;
  publicUrl: () => string;
  /** When set, events for another app are refused. */
  appId: string | undefined;
  inbox: WebhookInbox;
  clock: Clock;
  log: Logger;
  onStored(count: number): void;
}

/** HubSpot sends at most 100 events per request; anything far larger is not HubSpot. */
const MAX_EVENTS = 1000;

export function webhookRouter(d: WebhookRouterDeps): Router {
  const r = express.Router();
  r.post(d.path, rawBody('2mb'), async (req, res) => {
    const sig = verifySignedRequest(req, {
      secret: d.clientSecret,
      publicUrl: d.publicUrl(),
      now: d.clock.now(),
      accept: ['v3'],
    });
    if (!sig.ok) {
      d.log.warn({ reason: sig.reason }, 'webhook refused: bad signature');
      res
        .status(401)
        .json({ error: { code: 'BAD_SIGNATURE', message: `signature ${sig.reason}` } });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBodyText(req));
    } catch {
      res.status(400).json({ error: { code: 'BAD_REQUEST', message: 'body is not JSON' } });
      return;
    }
    if (!Array.isArray(body) || body.length > MAX_EVENTS) {
      res.status(400).json({
        error: {
          code: 'BAD_REQUEST',
          message: `body must be a JSON array of at most ${MAX_EVENTS} events`,
        },
      });
      return;
    }
    const events: WebhookEvent[] = [];
    const invalid: { raw: unknown; error: string }[] = [];
    for (const raw of body) {
      const parsed = webhookEventSchema.safeParse(raw);
      if (!parsed.success) {
        invalid.push({
          raw,
          error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
      } else if (
        d.appId !== undefined &&
        parsed.data.appId !== undefined &&
        parsed.data.appId !== d.appId
      ) {
        invalid.push({ raw, error: `event for app ${parsed.data.appId}, not ${d.appId}` });
      } else {
        events.push(parsed.data);
      }
    }
    await d.inbox.add(events, invalid);
    if (invalid.length > 0)
      d.log.warn({ invalid: invalid.length }, 'webhook events refused (kept as dead rows)');
    d.onStored(events.length);
    res.status(200).json({ received: events.length, refused: invalid.length });
  });
  return r;
}
