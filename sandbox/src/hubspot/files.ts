// Files v3: multipart upload, metadata, signed URLs, and the file URLs serving the bytes (Range aware).
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import { conflict, HubSpotError, notFound, sendError, serverError, validation } from './errors.ts';
import { ctx, iso, ok, param, portalOf, queryString } from './http.ts';
import type { SandboxState } from './state.ts';
import type { Portal, StoredFile } from './types.ts';
import { isRecord } from './validate.ts';

const ACCESS = [
  'PUBLIC_INDEXABLE',
  'PUBLIC_NOT_INDEXABLE',
  'HIDDEN_INDEXABLE',
  'HIDDEN_NOT_INDEXABLE',
  'HIDDEN_PRIVATE',
  'PRIVATE',
];
const OPTION_KEYS = [
  'access',
  'ttl',
  'overwrite',
  'duplicateValidationStrategy',
  'duplicateValidationScope',
  'expiresAt',
];
const PRIVATE = new Set(['PRIVATE', 'HIDDEN_PRIVATE']);

function fileType(mime: string, ext: string): string {
  if (mime.startsWith('image/')) return 'IMG';
  if (mime.startsWith('audio/')) return 'AUDIO';
  if (mime.startsWith('video/')) return 'MOVIE';
  if (['pdf', 'doc', 'docx', 'txt', 'csv', 'xls', 'xlsx', 'tif', 'tiff'].includes(ext))
    return 'DOCUMENT';
  return 'OTHER';
}

function fileUrl(f: StoredFile): string {
  const path = f.path.split('/').map(encodeURIComponent).join('/');
  return `${f.baseUrl}/hubfs/${f.portalId}${path}`;
}

export function fileJson(f: StoredFile): Record<string, unknown> {
  const url = fileUrl(f);
  return {
    id: f.id,
    createdAt: iso(f.createdAt),
    updatedAt: iso(f.updatedAt),
    archived: false,
    parentFolderId: f.folderId,
    name: f.name,
    path: f.path,
    size: f.size,
    type: fileType(f.mimeType, f.extension),
    extension: f.extension,
    defaultHostingUrl: url,
    url,
    isUsableInContent: !PRIVATE.has(f.access),
    access: f.access,
  };
}

function parseOptions(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string')
    throw validation('options is required: a JSON string with at least "access"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw validation('options must be valid JSON');
  }
  if (!isRecord(parsed)) throw validation('options must be a JSON object');
  for (const key of Object.keys(parsed)) {
    if (!OPTION_KEYS.includes(key)) throw validation(`Unrecognized field "${key}" in options`);
  }
  if (typeof parsed.access !== 'string' || !ACCESS.includes(parsed.access)) {
    throw validation(`options.access must be one of ${ACCESS.join(', ')}`);
  }
  const strategy = parsed.duplicateValidationStrategy;
  if (
    strategy !== undefined &&
    (typeof strategy !== 'string' || !['NONE', 'REJECT', 'RETURN_EXISTING'].includes(strategy))
  ) {
    throw validation('options.duplicateValidationStrategy must be NONE, REJECT or RETURN_EXISTING');
  }
  return parsed;
}

function folderFor(
  state: SandboxState,
  portal: Portal,
  body: Record<string, unknown>,
): [string, string] {
  const { folderId, folderPath } = body;
  if (typeof folderId === 'string' && folderId !== '') {
    for (const [path, id] of portal.folders) if (id === folderId) return [id, path];
    throw notFound(`Folder ${folderId} does not exist`);
  }
  if (typeof folderPath !== 'string' || folderPath === '') {
    throw validation('Either folderId or folderPath is required');
  }
  const path = `/${folderPath.split('/').filter(Boolean).join('/')}`;
  let id = portal.folders.get(path);
  if (!id) {
    id = state.nextId();
    portal.folders.set(path, id);
  }
  return [id, path];
}

function requireFile(portal: Portal, id: string): StoredFile {
  const f = portal.files.get(id);
  if (!f) throw notFound(`File ${id} does not exist`);
  return f;
}

export function filesRouter(state: SandboxState): Router {
  const r = express.Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: 300 * 1024 * 1024 },
  });

  r.post('/files/v3/files', upload.single('file'), (req, res) => {
    const portal = portalOf(res);
    const body: unknown = req.body;
    const fields = isRecord(body) ? body : {};
    const file = req.file;
    if (!file) throw validation('file is required (multipart field "file")');
    const options = parseOptions(fields.options);
    const [folderId, folderPath] = folderFor(state, portal, fields);
    const fullName =
      typeof fields.fileName === 'string' && fields.fileName !== ''
        ? fields.fileName
        : file.originalname;
    const dot = fullName.lastIndexOf('.');
    const name = dot > 0 ? fullName.slice(0, dot) : fullName;
    const extension = dot > 0 ? fullName.slice(dot + 1).toLowerCase() : '';
    const path = `${folderPath === '/' ? '' : folderPath}/${name}${extension ? `.${extension}` : ''}`;
    const existing = [...portal.files.values()].find((f) => f.path === path);
    if (existing && options.duplicateValidationStrategy === 'RETURN_EXISTING') {
      ok(res, 200, fileJson(existing));
      return;
    }
    if (existing && options.duplicateValidationStrategy === 'REJECT') {
      throw conflict(`A file named ${name} already exists in ${folderPath}`);
    }
    const now = state.now();
    const stored: StoredFile = {
      id: existing && options.overwrite === true ? existing.id : state.nextId(),
      portalId: portal.portalId,
      name,
      extension,
      folderId,
      folderPath,
      path: existing && options.overwrite !== true ? `${path}-${now}` : path,
      size: file.size,
      mimeType: file.mimetype || 'application/octet-stream',
      access: String(options.access),
      bytes: file.buffer,
      baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
      createdAt: existing && options.overwrite === true ? existing.createdAt : now,
      updatedAt: now,
      signature: randomBytes(16).toString('hex'),
    };
    portal.files.set(stored.id, stored);
    ok(res, 201, fileJson(stored));
  });

  r.get('/files/v3/files/:id', (req, res) => {
    ok(res, 200, fileJson(requireFile(portalOf(res), param(req, 'id'))));
  });

  r.get('/files/v3/files/:id/signed-url', (req, res) => {
    const f = requireFile(portalOf(res), param(req, 'id'));
    const expiresAt = state.now() + 3_600_000;
    ok(res, 200, {
      url: `${fileUrl(f)}?signature=${f.signature}`,
      expiresAt: iso(expiresAt),
      name: f.name,
      extension: f.extension,
      type: fileType(f.mimeType, f.extension),
      size: f.size,
    });
  });

  r.delete('/files/v3/files/:id', (req, res) => {
    const portal = portalOf(res);
    requireFile(portal, param(req, 'id'));
    portal.files.delete(param(req, 'id'));
    ok(res, 204);
  });

  return r;
}

function sendBytes(req: Request, res: Response, f: StoredFile): void {
  res.set('Content-Type', f.mimeType);
  res.set('Accept-Ranges', 'bytes');
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.get('range') ?? '');
  if (!range) {
    res.status(200).send(f.bytes);
    return;
  }
  const size = f.bytes.length;
  const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
  const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  if (start >= size || start > end) {
    res.status(416).set('Content-Range', `bytes */${size}`).end();
    return;
  }
  res.set('Content-Range', `bytes ${start}-${end}/${size}`);
  res.status(206).send(f.bytes.subarray(start, end + 1));
}

/** The public file URLs (no bearer token; private files need the signed URL). */
export function fileBytesRouter(state: SandboxState): Router {
  const r = express.Router();
  r.get('/hubfs/:portalId/*path', (req, res) => {
    const raw = (req.params as Record<string, unknown>).path;
    const path = `/${(Array.isArray(raw) ? raw.map(String) : [String(raw)]).join('/')}`;
    const portal = state.portal(Number(param(req, 'portalId')));
    const f = portal && [...portal.files.values()].find((x) => x.path === path);
    if (!f) throw notFound('File not found');
    if (PRIVATE.has(f.access) && queryString(req, 'signature') !== f.signature) {
      throw new HubSpotError(403, 'MISSING_SCOPES', 'This file is private: use a signed URL');
    }
    const failWith = ctx(res).failWith;
    if (failWith !== undefined) return sendError(res, serverError(failWith));
    sendBytes(req, res, f);
  });
  return r;
}
