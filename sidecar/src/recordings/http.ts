// GET /recordings/:id — signed links only (401 without a signature, 403 bad or expired),
// with HTTP Range (206 + Content-Range, 416 when unsatisfiable) so players can seek.
import { createReadStream } from 'node:fs';
import { Router } from 'express';
import type { FileRecordingArchive } from './archive.ts';

export function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | 'invalid' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    if (n === 0) return 'invalid';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

export function recordingsRouter(archive: FileRecordingArchive): Router {
  const r = Router();
  r.get('/recordings/:id', async (req, res) => {
    const id = req.params.id;
    const check = archive.links.check(id, req.query.exp, req.query.sig);
    if (check === 'missing') {
      res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'signed link required' } });
      return;
    }
    if (check !== 'ok') {
      res.status(403).json({ error: { code: 'FORBIDDEN', message: `link ${check}` } });
      return;
    }
    const rec = await archive.find(id);
    if (!rec) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such recording' } });
      return;
    }
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', rec.contentType);
    const rangeHeader = req.get('range');
    if (rangeHeader === undefined) {
      res.setHeader('Content-Length', String(rec.size));
      createReadStream(rec.absPath).pipe(res);
      return;
    }
    const range = parseRange(rangeHeader, rec.size);
    if (range === 'invalid' || range === null) {
      res.status(416).setHeader('Content-Range', `bytes */${rec.size}`).end();
      return;
    }
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${rec.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
    createReadStream(rec.absPath, { start: range.start, end: range.end }).pipe(res);
  });
  return r;
}
