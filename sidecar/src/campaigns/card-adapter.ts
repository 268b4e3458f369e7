// The campaigns as the CRM cards see them (cards/ports.ts): a contact's campaigns with their
// progress, and start / pause / resume / cancel. Every call is scoped by the signed portal.
import {
  CampaignStateError,
  type CampaignCardAction,
  type CampaignsForCards,
} from '../cards/ports.ts';
import { CampaignError, type CampaignService } from './campaign-service.ts';

/** `service` is read per request: main.ts wires the campaigns after the cards. */
export function campaignsForCards(service: () => CampaignService): CampaignsForCards {
  return {
    async forContact(portalId, contactId) {
      const rows = await service().forContact(portalId, contactId);
      // Progress.activeCalls counts the whole dialer's calls, not this campaign's: left out.
      return rows.map(({ campaign: c, contact }) => ({
        campaign: {
          id: c.id,
          name: c.name,
          state: c.state,
          total: c.total,
          dialled: c.dialled,
          answered: c.answered,
          yes: c.yes,
          no: c.no,
          pending: c.pending,
          failed: c.failed,
          skipped: c.skipped,
        },
        contact,
      }));
    },
    async act(portalId, campaignId, action: CampaignCardAction) {
      try {
        return await service().act(portalId, campaignId, action);
      } catch (err) {
        if (err instanceof CampaignError && err.code === 'NOT_FOUND') return null;
        if (err instanceof CampaignError && err.code === 'BAD_STATE')
          throw new CampaignStateError(err.message);
        throw err;
      }
    },
  };
}
