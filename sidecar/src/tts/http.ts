// GET /media/tts/<sha256>.wav: the synthesised speech, for Asterisk to fetch and play
// (res_http_media_cache). No credentials — Asterisk's media cache sends none — but the name is
// the SHA-256 of (voice, text) and only files this sidecar synthesised exist, so nothing can be
// listed or guessed. The content of a name never changes: cacheable for good.
import { Router } from 'express';
import type { SpeechCache } from './speech-cache.ts';

export const SPEECH_PATH = '/media/tts';

export function speechMediaRouter(cache: SpeechCache): Router {
  const r = Router();
  r.get(`${SPEECH_PATH}/:file`, async (req, res) => {
    const hash = /^([0-9a-f]{64})\.wav$/.exec(req.params.file)?.[1];
    const file = hash ? await cache.fileOf(hash) : null;
    if (!file)
      return void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such audio' } });
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    // Asterisk picks the format from the Content-Type (then the URL's extension).
    res.type('audio/x-wav');
    res.sendFile(file);
  });
  return r;
}
