// Every migration, in order. Imported by the data source; run at start and by `npm run migrate`.
import { CallRecordsAndOutbox1732300000000 } from './1732300000000-CallRecordsAndOutbox.ts';
import { AgendaJobs1732300000001 } from './1732300000001-AgendaJobs.ts';
import { CardData1732700000000 } from './1732700000000-CardData.ts';
import { WidgetCalls1733000000000 } from './1733000000000-WidgetCalls.ts';
import { HubSpotAppInstall1732900000000 } from './1732900000000-HubSpotAppInstall.ts';
import { RoutingAndRecordings1732400000000 } from './1732400000000-RoutingAndRecordings.ts';
import { HubSpotRateSlots1732600000000 } from './1732600000000-HubSpotRateSlots.ts';
import { Acd1732500000000 } from './1732500000000-Acd.ts';
import { Campaigns1732800000000 } from './1732800000000-Campaigns.ts';
import { AcdAgentsOnTel1733100000000 } from './1733100000000-AcdAgentsOnTel.ts';
import { AcdHoldMessages1733200000000 } from './1733200000000-AcdHoldMessages.ts';
import { CalendarExceptionText1733300000000 } from './1733300000000-CalendarExceptionText.ts';

export const migrations = [
  CallRecordsAndOutbox1732300000000,
  AgendaJobs1732300000001,
  CardData1732700000000,
  WidgetCalls1733000000000,
  HubSpotAppInstall1732900000000,
  RoutingAndRecordings1732400000000,
  HubSpotRateSlots1732600000000,
  Acd1732500000000,
  Campaigns1732800000000,
  AcdAgentsOnTel1733100000000,
  AcdHoldMessages1733200000000,
  CalendarExceptionText1733300000000,
];
