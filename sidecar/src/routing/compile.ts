// Turns the validated flows file into step objects. `goto` resolves by name at run time
// against the flows current then, so a reload never leaves a half-old tree running.
import type { CallQueues } from '../acd/port.ts';
import type { Logger } from '../ports.ts';
import type { FileRecordingArchive } from '../recordings/archive.ts';
import type { VoicemailMailer } from '../recordings/voicemail-mail.ts';
import type { FlowStep } from './context.ts';
import type { CrmCustomers } from './crm-customers.ts';
import { calendarOf, type FlowNode, type FlowsFile } from './flow-schema.ts';
import type { CallMedia } from './media-port.ts';
import {
  AnnouncementStep,
  GatherStep,
  GotoStep,
  HangupStep,
  PlayStep,
  SayStep,
} from './nodes/basic.ts';
import { MenuStep } from './nodes/menu.ts';
import { ParkStep, PickupStep } from './nodes/park.ts';
import { QueueStep } from './nodes/queue.ts';
import { SupportGateStep } from './nodes/support-gate.ts';
import { TimeSwitchStep } from './nodes/time-switch.ts';
import { TransferStep } from './nodes/transfer.ts';
import { VoicemailStep } from './nodes/voicemail.ts';
import type { ParkingLot } from './parking-lot.ts';
import type { RememberedNumbers } from './remembered-numbers.ts';
import type { RoutingSettings } from './settings-store.ts';
import type { TextToSpeech } from '../tts/port.ts';

export interface StepDeps {
  log: Logger;
  settings: RoutingSettings;
  tts: TextToSpeech;
  queues: CallQueues;
  crm: CrmCustomers;
  remembered: RememberedNumbers;
  media: CallMedia;
  archive: FileRecordingArchive;
  mailer: VoicemailMailer | undefined;
  lot: ParkingLot;
  transferDialTemplate: string;
}

export type CompiledFlows = ReadonlyMap<string, readonly FlowStep[]>;

export function compileFlows(file: FlowsFile, deps: StepDeps): CompiledFlows {
  const compiled = new Map<string, readonly FlowStep[]>();
  const resolve = (name: string) => compiled.get(name) ?? [];
  const list = (nodes: readonly FlowNode[]): FlowStep[] => nodes.map(one);
  const opt = (nodes: readonly FlowNode[] | undefined) => (nodes ? list(nodes) : undefined);
  function one(n: FlowNode): FlowStep {
    switch (n.type) {
      case 'play':
        return new PlayStep(n);
      case 'say':
        return new SayStep(n);
      case 'gather':
        return new GatherStep(n);
      case 'announcement':
        return new AnnouncementStep(n, deps.settings, deps.tts, deps.log);
      case 'goto':
        return new GotoStep(n, resolve);
      case 'hangup':
        return new HangupStep();
      case 'time-switch': {
        const cal = calendarOf(file.calendars[n.calendar]!);
        return new TimeSwitchStep(
          n.calendar,
          () => cal,
          deps.settings,
          deps.tts,
          deps.log,
          list(n.open),
          list(n.closed),
          opt(n.holiday),
        );
      }
      case 'menu':
        return new MenuStep(
          n,
          new Map(Object.entries(n.options).map(([k, v]) => [k, list(v)])),
          list(n.fallback),
        );
      case 'support-gate':
        return new SupportGateStep(n, deps.crm, deps.remembered, deps.log, {
          paid: list(n.paid),
          other: list(n.other),
          fallback: list(n.fallback),
        });
      case 'queue':
        return new QueueStep(n, deps.queues, list(n.overflow), opt(n.noAgents));
      case 'voicemail':
        return new VoicemailStep(n, deps.media, deps.archive, deps.mailer, deps.log);
      case 'park':
        return new ParkStep(n, deps.lot, deps.media, deps.log, list(n.onTimeout));
      case 'pickup':
        return new PickupStep(n, deps.lot, deps.media);
      case 'transfer':
        return new TransferStep(n, deps.media, deps.transferDialTemplate, list(n.failed));
    }
  }
  for (const [name, nodes] of Object.entries(file.flows)) compiled.set(name, list(nodes));
  return compiled;
}

/** The flow for a called number: exact match, then without a leading '+', else the default. */
export function flowNameFor(file: FlowsFile, called: string): string {
  return file.numbers[called] ?? file.numbers[called.replace(/^\+/, '')] ?? file.default;
}
