// Workflow action "enroll contact in a call campaign" (H4). HubSpot POSTs the execution; we
// add the contact to the campaign and answer BLOCK, keeping the callbackId on the contact's
// row; when its last attempt ends (or its SMS is answered) an `action-callback` outbox row
// completes the action with outcome and RSVP as output fields.
// Kept as a plain function over CampaignService so it moves onto the general workflow-action
// mechanism (sidecar/src/actions/, built in parallel) without change.
import type { Request } from 'express';
import { verifyHubSpotSignature } from '../http/hubspot-signature.ts';
import { CampaignError, type CampaignService } from './campaign-service.ts';
import { scalarText } from './sheet.ts';

export interface EnrollRequest {
  callbackId: string;
  origin: { portalId: number | string; actionDefinitionId?: number | string };
  object: { objectId: number | string; objectType: string };
  inputFields: { campaignId?: string; phone?: string; [k: string]: unknown };
}

export function verifyActionRequest(
  req: Request,
  rawBody: string,
  url: string,
  secret: string,
  now: number,
): boolean {
  const check = verifyHubSpotSignature(
    { method: req.method, url, rawBody, headers: req.headers },
    secret,
    now,
    ['v2', 'v3'],
  );
  return check.ok;
}

export async function enrollContact(service: CampaignService, body: EnrollRequest) {
  const portalId = String(body.origin?.portalId ?? '');
  const campaignId = body.inputFields?.campaignId;
  const phone = body.inputFields?.phone;
  if (!body.callbackId || !portalId || typeof campaignId !== 'string' || typeof phone !== 'string')
    throw new CampaignError(
      'INVALID',
      'needs callbackId, origin.portalId, inputFields.campaignId and inputFields.phone',
    );
  const vars = Object.fromEntries(
    Object.entries(body.inputFields).map(([k, v]) => [k.toLowerCase(), scalarText(v)]),
  );
  const result = await service.addContacts(
    portalId,
    campaignId,
    [{ ...vars, phone, contact_id: String(body.object.objectId) }],
    body.callbackId,
  );
  if (result.added !== 1)
    return {
      outputFields: {
        hs_execution_state: 'FAIL_CONTINUE',
        outcome: 'not-enrolled',
        reason: result.bad[0]?.reason ?? 'unknown',
      },
    };
  return { outputFields: { hs_execution_state: 'BLOCK' } };
}
