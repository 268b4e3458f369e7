// Custom workflow actions: callbacks registered by the control API, completed by the app.
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { notFound, tooManyInputs, validation } from './errors.ts';
import { bodyOf, ok, param, portalOf } from './http.ts';
import { onlyKeys } from './objects.ts';
import type { SandboxState } from './state.ts';
import type { CallbackRecord, Portal } from './types.ts';
import { isRecord } from './validate.ts';

export const EXECUTION_STATES = ['SUCCESS', 'FAIL_CONTINUE', 'BLOCK', 'ASYNC'];

export interface RegisterCallbackInput {
  callbackId?: string;
  actionDefinitionId?: string;
  objectType?: string;
  objectId?: string;
}

export function registerCallback(
  state: SandboxState,
  portalId: number,
  input: RegisterCallbackInput = {},
): CallbackRecord {
  const portal = state.requirePortal(portalId);
  const cb: CallbackRecord = {
    callbackId: input.callbackId ?? `ap-${portalId}-${randomUUID()}`,
    portalId,
    createdAt: state.now(),
    completions: [],
    ...(input.actionDefinitionId !== undefined
      ? { actionDefinitionId: input.actionDefinitionId }
      : {}),
    ...(input.objectType !== undefined ? { objectType: input.objectType } : {}),
    ...(input.objectId !== undefined ? { objectId: input.objectId } : {}),
  };
  portal.callbacks.set(cb.callbackId, cb);
  return cb;
}

function parseOutputFields(raw: unknown, where: string): Record<string, unknown> {
  const body = onlyKeys(raw, ['outputFields', 'callbackId'], where);
  const fields = body.outputFields;
  if (!isRecord(fields))
    throw validation(`${where}.outputFields is required and must be an object`);
  for (const [k, v] of Object.entries(fields)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      throw validation(`outputFields.${k} must be a string, number or boolean`);
    }
  }
  const execState = fields.hs_execution_state;
  if (
    execState !== undefined &&
    (typeof execState !== 'string' || !EXECUTION_STATES.includes(execState))
  ) {
    throw validation(
      `hs_execution_state must be one of ${EXECUTION_STATES.join(', ')}, got ${JSON.stringify(execState)}`,
    );
  }
  return fields;
}

function pending(portal: Portal, callbackId: string): CallbackRecord {
  const cb = portal.callbacks.get(callbackId);
  if (!cb) throw notFound(`Callback ${callbackId} not found`);
  if (cb.completedAt !== undefined) {
    throw validation(`Callback ${callbackId} was already completed`);
  }
  return cb;
}

export function automationRouter(state: SandboxState): Router {
  const r = express.Router();
  const complete = (cb: CallbackRecord, outputFields: Record<string, unknown>) => {
    const at = state.now();
    cb.completions.push({ at, outputFields });
    const execState = outputFields.hs_execution_state;
    if (execState !== 'BLOCK' && execState !== 'ASYNC') cb.completedAt = at;
  };

  r.post('/automation/v4/actions/callbacks/complete', (req, res) => {
    const portal = portalOf(res);
    const body = onlyKeys(bodyOf(req), ['inputs']);
    if (!Array.isArray(body.inputs))
      throw validation('Invalid input JSON: "inputs" must be an array');
    if (body.inputs.length > 100) throw tooManyInputs(body.inputs.length, 100);
    const plans = body.inputs.map((input: unknown, n) => {
      const callbackId = isRecord(input) ? input.callbackId : undefined;
      if (typeof callbackId !== 'string') throw validation(`inputs[${n}].callbackId is required`);
      return { cb: pending(portal, callbackId), fields: parseOutputFields(input, `inputs[${n}]`) };
    });
    for (const p of plans) complete(p.cb, p.fields);
    ok(res, 204);
  });

  r.post('/automation/v4/actions/callbacks/:callbackId/complete', (req, res) => {
    const cb = pending(portalOf(res), param(req, 'callbackId'));
    complete(cb, parseOutputFields(bodyOf(req), 'body'));
    ok(res, 204);
  });

  return r;
}
