import { EntitySchema } from 'typeorm';
import { epochMs } from '../store/columns.ts';
import type { RecordingKind } from './port.ts';

export interface RecordingRow {
  id: string;
  portalId: string;
  kind: RecordingKind;
  callId: string;
  /** Relative to DATA_DIR, so the data directory can move. */
  path: string;
  contentType: string;
  size: number;
  createdAt: number;
}

export const RecordingEntity = new EntitySchema<RecordingRow>({
  name: 'Recording',
  tableName: 'recordings',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    kind: { type: 'varchar', length: 16 },
    callId: { name: 'call_id', type: 'varchar', length: 36 },
    path: { type: 'varchar', length: 500 },
    contentType: { name: 'content_type', type: 'varchar', length: 64 },
    size: { type: 'bigint', transformer: epochMs },
    createdAt: { name: 'created_at', type: 'bigint', transformer: epochMs },
  },
});
