// The RecordingArchive: audio files under DATA_DIR/recordings/<portal>/, one row each in the
// recordings table, served by signed link. Voicemail comes from Asterisk's recording store
// (fetched over ARI, so Asterisk may run on another box); queue recordings arrive as files.
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Clock } from '../ports.ts';
import { RecordingEntity, type RecordingRow } from './entity.ts';
import type { RecordingLinks } from './links.ts';
import type { RecordingArchive, RecordingMeta, StoredRecording } from './port.ts';

export interface AriRecordingStore {
  /** The stored recording's bytes (GET /recordings/stored/{name}/file). */
  fetch(storedName: string): Promise<Buffer>;
  delete(storedName: string): Promise<void>;
}

export function ariRecordingStore(ari: {
  url: string;
  username: string;
  password: string;
}): AriRecordingStore {
  const auth = `Basic ${Buffer.from(`${ari.username}:${ari.password}`).toString('base64')}`;
  const base = `${ari.url.replace(/\/$/, '')}/ari/recordings/stored`;
  return {
    async fetch(name) {
      const res = await fetch(`${base}/${encodeURIComponent(name)}/file`, {
        headers: { authorization: auth },
      });
      if (!res.ok) throw new Error(`stored recording ${name}: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async delete(name) {
      await fetch(`${base}/${encodeURIComponent(name)}`, {
        method: 'DELETE',
        headers: { authorization: auth },
      });
    },
  };
}

export class FileRecordingArchive implements RecordingArchive {
  constructor(
    private readonly ds: DataSource,
    private readonly dataDir: string,
    private readonly ari: AriRecordingStore,
    readonly links: RecordingLinks,
    private readonly clock: Clock,
  ) {}

  async storeFromAri(storedName: string, meta: RecordingMeta): Promise<StoredRecording> {
    const bytes = await this.ari.fetch(storedName);
    const { id, rel, abs } = await this.place(meta, '.wav');
    await writeFile(abs, bytes);
    await this.insert({ id, meta, rel, contentType: 'audio/wav', size: bytes.length });
    // Asterisk's copy is no longer needed once ours is safely written and recorded.
    await this.ari.delete(storedName).catch(() => undefined);
    return { id, url: this.links.url(id) };
  }

  async storeFile(
    file: string,
    contentType: string,
    meta: RecordingMeta,
  ): Promise<StoredRecording> {
    const { id, rel, abs } = await this.place(meta, path.extname(file) || '.wav');
    try {
      await rename(file, abs);
    } catch {
      // Another file system (e.g. /tmp): copy, then remove the original.
      await copyFile(file, abs);
      await unlink(file);
    }
    const { size } = await stat(abs);
    await this.insert({ id, meta, rel, contentType, size });
    return { id, url: this.links.url(id) };
  }

  /** The row and absolute path of a recording, or null. */
  async find(id: string): Promise<(RecordingRow & { absPath: string }) | null> {
    const row = await this.ds.getRepository(RecordingEntity).findOneBy({ id });
    return row ? { ...row, absPath: path.resolve(this.dataDir, row.path) } : null;
  }

  private async place(meta: RecordingMeta, ext: string) {
    const id = randomUUID();
    const rel = path.join('recordings', meta.portalId, `${id}${ext}`);
    const abs = path.resolve(this.dataDir, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    return { id, rel, abs };
  }

  private async insert(r: {
    id: string;
    meta: RecordingMeta;
    rel: string;
    contentType: string;
    size: number;
  }) {
    await this.ds.getRepository(RecordingEntity).insert({
      id: r.id,
      portalId: r.meta.portalId,
      kind: r.meta.kind,
      callId: r.meta.callId,
      path: r.rel,
      contentType: r.contentType,
      size: r.size,
      createdAt: this.clock.now(),
    });
  }
}
