// Entry point of the Call script card (call-script-hsmeta.json).
import { hubspot } from '@hubspot/ui-extensions';
import { CallScriptCard } from './CallScriptCard';

hubspot.extend<'crm.record.tab'>(() => <CallScriptCard />);
