// Every migration, in order. Imported by the data source; run at start and by `npm run migrate`.
import { CallRecordsAndOutbox1732300000000 } from './1732300000000-CallRecordsAndOutbox.ts';
import { AgendaJobs1732300000001 } from './1732300000001-AgendaJobs.ts';

export const migrations = [CallRecordsAndOutbox1732300000000, AgendaJobs1732300000001];
