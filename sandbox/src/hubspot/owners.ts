// CRM owners v3 (read-only; owners are added through the control API).
import express, { type Router } from 'express';
import { notFound, validation } from './errors.ts';
import { iso, ok, param, portalOf, queryString } from './http.ts';
import type { SandboxState } from './state.ts';
import type { Owner } from './types.ts';

export interface AddOwnerInput {
  id?: string;
  email: string;
  firstName?: string;
  lastName?: string;
  userId?: number;
}

let ownerSeq = 0;

export function addOwner(state: SandboxState, portalId: number, input: AddOwnerInput): Owner {
  const portal = state.requirePortal(portalId);
  if (typeof input.email !== 'string' || !input.email.includes('@')) {
    throw validation('owner email is required');
  }
  ownerSeq += 1;
  const owner: Owner = {
    id: input.id ?? String(80_000_000 + ownerSeq),
    email: input.email.toLowerCase(),
    firstName: input.firstName ?? '',
    lastName: input.lastName ?? '',
    userId: input.userId ?? 3_000_000 + ownerSeq,
  };
  portal.owners.push(owner);
  return owner;
}

export function ownersRouter(state: SandboxState): Router {
  const r = express.Router();
  const json = (o: Owner) => ({
    ...o,
    type: 'PERSON',
    archived: false,
    createdAt: iso(0),
    updatedAt: iso(state.now()),
  });
  r.get('/crm/v3/owners', (req, res) => {
    const email = queryString(req, 'email')?.toLowerCase();
    const owners = portalOf(res).owners.filter((o) => email === undefined || o.email === email);
    ok(res, 200, { results: owners.map(json) });
  });
  r.get('/crm/v3/owners/:ownerId', (req, res) => {
    const owner = portalOf(res).owners.find((o) => o.id === param(req, 'ownerId'));
    if (!owner) throw notFound(`Owner ${param(req, 'ownerId')} not found`);
    ok(res, 200, json(owner));
  });
  return r;
}
