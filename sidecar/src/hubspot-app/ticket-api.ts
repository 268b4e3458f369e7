// GET /api/tickets/:ticketId — the ticket card's read of the local ticket mirror. Cards call it
// with hubspot.fetch, which signs the request (v3) and adds the viewing account as `portalId`
// to the URL; the signature covers the URL, so an account can only read its own tickets.
import express, { type Router } from 'express';
import { rawBody, verifySignedRequest } from '../http/signed-request.ts';
import type { Clock } from '../ports.ts';
import type { TicketMirror } from '../webhooks/ticket-mirror.ts';

export function ticketApiRouter(d: {
  tickets: TicketMirror;
  clientSecret: string;
  publicUrl: () => string;
  clock: Clock;
}): Router {
  const r = express.Router();
  r.get('/api/tickets/:ticketId', rawBody(), async (req, res) => {
    const sig = verifySignedRequest(req, {
      secret: d.clientSecret,
      publicUrl: d.publicUrl(),
      now: d.clock.now(),
      accept: ['v3'],
    });
    if (!sig.ok) {
      res
        .status(401)
        .json({ error: { code: 'BAD_SIGNATURE', message: `signature ${sig.reason}` } });
      return;
    }
    const portalId =
      typeof req.query.portalId === 'string' && /^\d+$/.test(req.query.portalId)
        ? req.query.portalId
        : undefined;
    if (!portalId) {
      res
        .status(400)
        .json({ error: { code: 'BAD_REQUEST', message: 'portalId query parameter missing' } });
      return;
    }
    const ticket = await d.tickets.get(portalId, String(req.params.ticketId));
    if (!ticket || ticket.deleted) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such ticket' } });
      return;
    }
    res.json({
      ticketId: ticket.ticketId,
      subject: ticket.subject,
      status: ticket.status,
      ownerId: ticket.ownerId,
      updatedAt: ticket.updatedAt,
    });
  });
  return r;
}
