// Entry point of the Campaign card (campaign-hsmeta.json).
import { hubspot } from '@hubspot/ui-extensions';
import { CampaignCard } from './CampaignCard';

hubspot.extend<'crm.record.tab'>(() => <CampaignCard />);
