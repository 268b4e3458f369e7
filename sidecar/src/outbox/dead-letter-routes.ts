// The dead-letter view: rows HubSpot refused for good, per portal, with HubSpot's reason; an
// administrator retries one (back in the queue, due now) or discards it. JSON under /api, a
// minimal HTML page under /admin. Guarded by ADMIN_API_TOKEN (Bearer, or the password of
// HTTP Basic so a browser can open the page).
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { sameSecret } from '../http/operator-guard.ts';
import type { OutboxRow } from '../store/entities.ts';
import type { OutboxStore } from './outbox-store.ts';

function presented(req: Request): string | undefined {
  const auth = req.get('authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(auth);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return undefined;
}

function adminOnly(token: string | undefined, html: boolean): RequestHandler {
  return (req, res, next) => {
    if (!token) {
      res.status(503).json({
        error: { code: 'DISABLED', message: 'set ADMIN_API_TOKEN to use the dead-letter view' },
      });
      return;
    }
    const given = presented(req);
    if (given !== undefined && sameSecret(given, token)) {
      next();
      return;
    }
    if (html) res.set('WWW-Authenticate', 'Basic realm="Centralino outbox", charset="UTF-8"');
    res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'admin token required' } });
  };
}

/** Every query is scoped by the portal: no portalId, no answer. */
function portalOf(req: Request, res: Response): string | undefined {
  const portalId = req.query.portalId;
  if (typeof portalId === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(portalId)) return portalId;
  res.status(400).json({
    error: { code: 'BAD_REQUEST', message: 'portalId (the HubSpot account id) is required' },
  });
  return undefined;
}

function deadJson(row: OutboxRow) {
  return {
    id: row.id,
    kind: row.kind,
    dedupeKey: row.dedupeKey,
    attempts: row.attempts,
    error: row.lastError,
    remoteId: row.remoteId,
    createdAt: new Date(row.createdAt).toISOString(),
    payload: JSON.parse(row.payload) as unknown,
  };
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(portalId: string, rows: OutboxRow[]): string {
  const q = `portalId=${encodeURIComponent(portalId)}`;
  const body = rows
    .map(
      (r) => `<tr><td>${esc(new Date(r.createdAt).toISOString())}</td><td>${esc(r.kind)}</td>
<td>${esc(r.dedupeKey)}</td><td>${r.attempts}</td><td>${esc(r.lastError ?? '')}</td>
<td><form method="post" action="/admin/outbox/dead/${encodeURIComponent(r.id)}/retry?${q}"><button>Retry</button></form>
<form method="post" action="/admin/outbox/dead/${encodeURIComponent(r.id)}/discard?${q}"><button>Discard</button></form></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Dead letters – ${esc(portalId)}</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}</style></head>
<body><h1>Writes HubSpot refused – account ${esc(portalId)}</h1>
${rows.length === 0 ? '<p>None.</p>' : `<table><tr><th>Created</th><th>Kind</th><th>Key</th><th>Attempts</th><th>HubSpot said</th><th></th></tr>\n${body}</table>`}
</body></html>`;
}

export function deadLetterRouter(store: OutboxStore, adminToken: string | undefined): Router {
  const r = express.Router();
  const api = adminOnly(adminToken, false);
  const html = adminOnly(adminToken, true);

  r.get('/api/outbox/dead', api, async (req, res) => {
    const portalId = portalOf(req, res);
    if (!portalId) return;
    res.json({ results: (await store.deadLetters(portalId)).map(deadJson) });
  });
  for (const action of ['retry', 'discard'] as const) {
    const run = (portalId: string, id: string) =>
      action === 'retry' ? store.retryDead(portalId, id) : store.discardDead(portalId, id);
    r.post(`/api/outbox/dead/:id/${action}`, api, async (req, res) => {
      const portalId = portalOf(req, res);
      if (!portalId) return;
      if (await run(portalId, String(req.params.id))) res.status(204).end();
      else
        res.status(404).json({
          error: { code: 'NOT_FOUND', message: 'no such dead letter in this account' },
        });
    });
    r.post(`/admin/outbox/dead/:id/${action}`, html, async (req, res) => {
      const portalId = portalOf(req, res);
      if (!portalId) return;
      await run(portalId, String(req.params.id));
      res.redirect(303, `/admin/outbox/dead?portalId=${encodeURIComponent(portalId)}`);
    });
  }
  r.get('/admin/outbox/dead', html, async (req, res) => {
    const portalId = portalOf(req, res);
    if (!portalId) return;
    res.type('html').send(page(portalId, await store.deadLetters(portalId)));
  });
  return r;
}
