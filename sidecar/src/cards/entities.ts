// Tables the card APIs own: call-script definitions per portal and the answers given on calls.
import { EntitySchema } from 'typeorm';
import { epochMs } from '../store/columns.ts';

export interface CallScriptRow {
  id: string;
  portalId: string;
  callType: string;
  name: string;
  /** The validated ScriptDefinition as JSON. */
  definition: string;
  createdAt: number;
  updatedAt: number;
}

export const CallScriptEntity = new EntitySchema<CallScriptRow>({
  name: 'CallScript',
  tableName: 'call_scripts',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    callType: { name: 'call_type', type: 'varchar', length: 64 },
    name: { type: 'varchar', length: 200 },
    definition: { type: 'text' },
    createdAt: { name: 'created_at', type: 'bigint', transformer: epochMs },
    updatedAt: { name: 'updated_at', type: 'bigint', transformer: epochMs },
  },
});

export interface ScriptAnswerRow {
  id: string;
  portalId: string;
  callId: string;
  scriptId: string;
  objectType: string;
  objectId: string;
  /** ScriptAnswers as JSON, exactly as accepted. */
  answers: string;
  summary: string;
  createdAt: number;
}

export const ScriptAnswerEntity = new EntitySchema<ScriptAnswerRow>({
  name: 'ScriptAnswer',
  tableName: 'script_answers',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    portalId: { name: 'portal_id', type: 'varchar', length: 32 },
    callId: { name: 'call_id', type: 'varchar', length: 36 },
    scriptId: { name: 'script_id', type: 'varchar', length: 36 },
    objectType: { name: 'object_type', type: 'varchar', length: 16 },
    objectId: { name: 'object_id', type: 'varchar', length: 32 },
    answers: { type: 'text' },
    summary: { type: 'text' },
    createdAt: { name: 'created_at', type: 'bigint', transformer: epochMs },
  },
});
