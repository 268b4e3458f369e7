// Call-script definitions per portal (CRUD) and the answers agents give on a call. Answers are
// stored with the call and, in the same transaction, queued as a timeline event ('script-answers'
// template) on the record the agent worked on: both exist or neither does.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  checkAnswers,
  scriptDefinitionSchema,
  summarizeAnswers,
  type ScriptAnswers,
  type ScriptDefinition,
} from '../domain/call-script.ts';
import type { CrmRef } from '../outbox/kinds.ts';
import { OutboxKind, type TimelineEventOutboxPayload } from '../outbox/kinds.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { Clock } from '../ports.ts';
import { inTransaction } from '../store/transactions.ts';
import { CallScriptEntity, ScriptAnswerEntity, type CallScriptRow } from './entities.ts';
import { CardApiError, notFound } from './errors.ts';

export const SCRIPT_ANSWERS_TEMPLATE = 'script-answers';

export interface CallScript extends ScriptDefinition {
  id: string;
  updatedAt: number;
}

export interface SavedAnswers {
  id: string;
  callId: string;
  scriptId: string;
  record: CrmRef;
  answers: ScriptAnswers;
  summary: string;
  createdAt: number;
}

function toScript(row: CallScriptRow): CallScript {
  return {
    ...(JSON.parse(row.definition) as ScriptDefinition),
    id: row.id,
    updatedAt: row.updatedAt,
  };
}

function parseDefinition(input: unknown): ScriptDefinition {
  const parsed = scriptDefinitionSchema.safeParse(input);
  if (!parsed.success)
    throw new CardApiError(
      400,
      'INVALID_SCRIPT',
      'the script is not valid',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  return parsed.data;
}

export class CallScripts {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    private readonly nudge: () => void,
  ) {}

  private get repo() {
    return this.ds.getRepository(CallScriptEntity);
  }

  async list(portalId: string): Promise<CallScript[]> {
    const rows = await this.repo.find({ where: { portalId }, order: { callType: 'ASC' } });
    return rows.map(toScript);
  }

  async get(portalId: string, id: string): Promise<CallScript> {
    const row = await this.repo.findOne({ where: { portalId, id } });
    if (!row) throw notFound('call script');
    return toScript(row);
  }

  async create(portalId: string, input: unknown): Promise<CallScript> {
    const def = parseDefinition(input);
    await this.refuseDuplicateType(portalId, def.callType, null);
    const now = this.clock.now();
    const row: CallScriptRow = {
      id: randomUUID(),
      portalId,
      callType: def.callType,
      name: def.name,
      definition: JSON.stringify(def),
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insert(row);
    return toScript(row);
  }

  async update(portalId: string, id: string, input: unknown): Promise<CallScript> {
    const def = parseDefinition(input);
    const existing = await this.repo.findOne({ where: { portalId, id } });
    if (!existing) throw notFound('call script');
    await this.refuseDuplicateType(portalId, def.callType, id);
    const updatedAt = this.clock.now();
    await this.repo.update(
      { portalId, id },
      { callType: def.callType, name: def.name, definition: JSON.stringify(def), updatedAt },
    );
    return { ...def, id, updatedAt };
  }

  async remove(portalId: string, id: string): Promise<void> {
    const result = await this.repo.delete({ portalId, id });
    if (!result.affected) throw notFound('call script');
  }

  private async refuseDuplicateType(portalId: string, callType: string, self: string | null) {
    const other = await this.repo.findOne({ where: { portalId, callType } });
    if (other && other.id !== self)
      throw new CardApiError(409, 'DUPLICATE_CALL_TYPE', `a script for '${callType}' exists`);
  }

  /**
   * Saves the answers of one call to one script. A retry with the same answers returns the
   * saved ones (created: false); different answers for the same call and script are refused.
   */
  async saveAnswers(
    portalId: string,
    input: { callId: string; scriptId: string; record: CrmRef; answers: ScriptAnswers },
  ): Promise<{ saved: SavedAnswers; created: boolean }> {
    const script = await this.get(portalId, input.scriptId);
    const check = checkAnswers(script, input.answers);
    if (!check.ok)
      throw new CardApiError(
        400,
        'INVALID_ANSWERS',
        'the answers do not fit the script',
        check.problems,
      );
    const previous = await this.answersFor(portalId, input.callId, input.scriptId);
    if (previous) {
      if (JSON.stringify(previous.answers) === JSON.stringify(input.answers))
        return { saved: previous, created: false };
      throw new CardApiError(
        409,
        'ANSWERS_ALREADY_SAVED',
        'this call already has answers to this script',
      );
    }
    const now = this.clock.now();
    const saved: SavedAnswers = {
      id: randomUUID(),
      callId: input.callId,
      scriptId: script.id,
      record: input.record,
      answers: input.answers,
      summary: summarizeAnswers(check.path),
      createdAt: now,
    };
    const event: TimelineEventOutboxPayload = {
      eventId: saved.id,
      template: SCRIPT_ANSWERS_TEMPLATE,
      object: input.record,
      tokens: {
        callId: input.callId,
        callType: script.callType,
        script: script.name,
        complete: check.complete ? 'yes' : 'no',
        summary: saved.summary,
      },
      at: now,
    };
    try {
      await this.insertAnswers(portalId, saved, event);
    } catch (err) {
      // A concurrent save of the same call and script won the unique index.
      const winner = await this.answersFor(portalId, input.callId, input.scriptId);
      if (!winner) throw err;
      if (JSON.stringify(winner.answers) === JSON.stringify(input.answers))
        return { saved: winner, created: false };
      throw new CardApiError(
        409,
        'ANSWERS_ALREADY_SAVED',
        'this call already has answers to this script',
      );
    }
    this.nudge();
    return { saved, created: true };
  }

  private async insertAnswers(
    portalId: string,
    saved: SavedAnswers,
    event: TimelineEventOutboxPayload,
  ): Promise<void> {
    await inTransaction(this.ds, async (manager) => {
      await manager.getRepository(ScriptAnswerEntity).insert({
        id: saved.id,
        portalId,
        callId: saved.callId,
        scriptId: saved.scriptId,
        objectType: saved.record.objectType,
        objectId: saved.record.id,
        answers: JSON.stringify(saved.answers),
        summary: saved.summary,
        createdAt: saved.createdAt,
      });
      await this.outbox.add(manager, {
        portalId,
        kind: OutboxKind.TimelineEvent,
        dedupeKey: `timeline:script-${saved.callId}-${saved.scriptId}`,
        payload: event,
      });
    });
  }

  async answersFor(
    portalId: string,
    callId: string,
    scriptId: string,
  ): Promise<SavedAnswers | null> {
    const row = await this.ds
      .getRepository(ScriptAnswerEntity)
      .findOne({ where: { portalId, callId, scriptId } });
    return row
      ? {
          id: row.id,
          callId: row.callId,
          scriptId: row.scriptId,
          record: { objectType: row.objectType as CrmRef['objectType'], id: row.objectId },
          answers: JSON.parse(row.answers) as ScriptAnswers,
          summary: row.summary,
          createdAt: row.createdAt,
        }
      : null;
  }

  /** Summaries of every script answered on a call, oldest first (ticket body). */
  async summariesOfCall(portalId: string, callId: string): Promise<string[]> {
    const rows = await this.ds
      .getRepository(ScriptAnswerEntity)
      .find({ where: { portalId, callId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => r.summary);
  }
}
