// Entry point of the Caller & contract card (caller-contract-hsmeta.json).
import { hubspot } from '@hubspot/ui-extensions';
import { CallerContractCard } from './CallerContractCard';

hubspot.extend<'crm.record.tab'>(() => <CallerContractCard />);
