// Writes notes (a fax is a note with its PDF) exactly once. Attachments go first through the
// files API; their ids are saved in the outbox row at once, so a retry attaches the same files
// instead of uploading them again. The upload itself is idempotent too: each file has a name
// derived from the note id, and RETURN_EXISTING hands back the file a lost answer already made.
import { readFile } from 'node:fs/promises';
import type { Client } from '@hubspot/api-client';
import type { OutboxRow } from '../store/entities.ts';
import type { NoteOutboxPayload } from '../outbox/kinds.ts';
import type { DeliveryResult, OutboxSender } from '../outbox/outbox-worker.ts';
import { ActivityWriter, failAll, noAccount } from './engagement-writer.ts';
import { CrmError, classifyCrmError } from './errors.ts';
import type { HubSpotPortals } from './hubspot-portals.ts';
import { hubspotRequest } from './hubspot-request.ts';
import { textToHtml } from './html-text.ts';
import type { RequestPacer } from './shared-pacer.ts';

export const NOTE_ID_PROPERTY = 'centralino_note_id';
export const NOTE_FOLDER = '/centralino/notes';

export const NOTE_ASSOCIATIONS = {
  contacts: 202,
  companies: 190,
  deals: 214,
  tickets: 228,
} as const;

/** The payload as stored, with the ids of files already uploaded. */
export interface NoteRowPayload extends NoteOutboxPayload {
  uploadedFileIds?: string[];
}

/** Saves a row's payload while the sender holds its lease (OutboxStore.savePayload). */
export type SavePayload = (row: OutboxRow, payload: unknown) => Promise<void>;

export class NoteSender implements OutboxSender {
  readonly kind = 'note';
  private readonly writer: ActivityWriter;

  constructor(
    private readonly portals: HubSpotPortals,
    private readonly pacer: RequestPacer,
    private readonly savePayload: SavePayload,
  ) {
    this.writer = new ActivityWriter(pacer, {
      objectType: 'notes',
      idProperty: NOTE_ID_PROPERTY,
      idPropertyLabel: 'Centralino note id',
      groupName: 'noteinformation',
      associationTypeIds: NOTE_ASSOCIATIONS,
    });
  }

  async deliver(portalId: string, rows: OutboxRow[]): Promise<Map<string, DeliveryResult>> {
    const client = this.portals.client(portalId);
    const rowIds = rows.map((r) => r.id);
    if (!client) return noAccount(portalId, rowIds);
    const results = new Map<string, DeliveryResult>();
    const ready: { row: OutboxRow; note: NoteRowPayload }[] = [];
    try {
      for (const row of rows) {
        const note = JSON.parse(row.payload) as NoteRowPayload;
        try {
          await this.upload(portalId, client, row, note);
          ready.push({ row, note });
        } catch (err) {
          const e = classifyCrmError(err);
          if (e.retryable) throw e;
          results.set(row.id, { outcome: 'dead', error: e.message });
        }
      }
      if (ready.length === 0) return results;
      const written = await this.writer.write(
        portalId,
        client,
        ready.map(({ row, note }) => ({
          rowId: row.id,
          key: note.noteId,
          properties: {
            hs_note_body: textToHtml(note.body),
            hs_timestamp: new Date(note.at).toISOString(),
            ...(note.uploadedFileIds?.length
              ? { hs_attachment_ids: note.uploadedFileIds.join(';') }
              : {}),
          },
          associations: note.associations,
        })),
        ready.every(({ row }) => row.attempts === 0),
      );
      return new Map([...results, ...written]);
    } catch (err) {
      return new Map([...failAll(err, rowIds), ...results]);
    }
  }

  private async upload(
    portalId: string,
    client: Client,
    row: OutboxRow,
    note: NoteRowPayload,
  ): Promise<void> {
    const ids = note.uploadedFileIds ?? [];
    for (let n = ids.length; n < note.attachments.length; n += 1) {
      const file = note.attachments[n]!;
      let bytes: Buffer;
      try {
        bytes = await readFile(file.path);
      } catch (err) {
        throw new CrmError(
          `attachment ${file.fileName} cannot be read: ${(err as Error).message}`,
          false,
        );
      }
      const form = multipart({
        fields: {
          folderPath: NOTE_FOLDER,
          fileName: `${note.noteId}-${n + 1}-${file.fileName}`,
          options: JSON.stringify({
            access: 'PRIVATE',
            duplicateValidationStrategy: 'RETURN_EXISTING',
            duplicateValidationScope: 'EXACT_FOLDER',
          }),
        },
        file: { field: 'file', name: file.fileName, contentType: file.contentType, bytes },
      });
      await this.pacer.acquire(portalId);
      const { body } = await hubspotRequest<{ id: string }>(client, {
        method: 'POST',
        path: '/files/v3/files',
        body: form.body,
        headers: { 'Content-Type': form.contentType },
        raw: true,
      });
      ids.push(body.id);
      note.uploadedFileIds = ids;
      await this.savePayload(row, note);
    }
  }
}

/** multipart/form-data by hand: the client's fetch (node-fetch 2) cannot send a FormData. */
function multipart(part: {
  fields: Record<string, string>;
  file: { field: string; name: string; contentType: string; bytes: Buffer };
}): { body: Buffer; contentType: string } {
  const boundary = `----centralino${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(part.fields)) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  const safeName = part.file.name.replace(/["\r\n]/g, '_');
  chunks.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${part.file.field}"; filename="${safeName}"\r\nContent-Type: ${part.file.contentType}\r\n\r\n`,
    ),
    part.file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
