// GET /api/tickets/:ticketId — the ticket card's read of the local ticket mirror. Cards call it
// with hubspot.fetch, which signs the request (v3) and adds the viewing account as `portalId`
// to the URL; the signature covers the URL, so an account can only read its own tickets.
import express, { type Router } from 'express';
import { requireHubSpotV3, signedPortal } from '../http/require-hubspot-v3.ts';
import type { Clock } from '../ports.ts';
import type { TicketMirror } from '../webhooks/ticket-mirror.ts';

export function ticketApiRouter(d: {
  tickets: TicketMirror;
  clientSecret: string;
  publicUrl: () => string;
  clock: Clock;
}): Router {
  const r = express.Router();
  const signedOnly = requireHubSpotV3({
    secret: d.clientSecret,
    publicUrl: d.publicUrl,
    clock: d.clock,
  });
  r.get('/api/tickets/:ticketId', ...signedOnly, async (req, res) => {
    const ticket = await d.tickets.get(signedPortal(res), String(req.params.ticketId));
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
