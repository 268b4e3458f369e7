// The flows file: which called number (DID) runs which flow, and each flow as a tree of
// nodes (flow-nodes.ts). Validated with zod, then cross-checked (flow-checks.ts: queues, flows,
// calendars) and calendars checked (overlapping holidays, bad times); every problem names its
// place, e.g. "flows.main[1].open[0].queue".
import { z } from 'zod';
import { calendarProblems, WEEKDAYS, type Calendar } from '../domain/calendar.ts';
import { checkNodes } from './flow-checks.ts';
import { nodes } from './flow-nodes.ts';

export { NODE_TYPES, type FlowNode } from './flow-nodes.ts';

const timeRange = z.tuple([z.string(), z.string()]);
const calendarSchema = z.strictObject({
  timeZone: z.string().default('Europe/Rome'),
  hours: z.partialRecord(z.enum(WEEKDAYS), z.array(timeRange)).default({}),
  holidays: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        from: z.string(),
        to: z.string().optional(),
        media: z.string().optional(),
        text: z.string().max(1000).optional(),
      }),
    )
    .default([]),
  closures: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        from: z.string(),
        to: z.string(),
        media: z.string().optional(),
        text: z.string().max(1000).optional(),
      }),
    )
    .default([]),
});
export type CalendarConfig = z.output<typeof calendarSchema>;

export const flowsFileSchema = z.strictObject({
  /** Queue ids the flows may send calls to (the ACD defines them). */
  queues: z.array(z.string().min(1)).default([]),
  calendars: z.record(z.string(), calendarSchema).default({}),
  /** Called number (as dialled, digits) → flow name. */
  numbers: z.record(z.string().regex(/^\+?[0-9]+$/, 'digits'), z.string()).default({}),
  /** Flow for numbers not listed. */
  default: z.string().min(1),
  flows: z.record(z.string(), nodes),
});
export type FlowsFile = z.output<typeof flowsFileSchema>;

export function calendarOf(config: CalendarConfig): Calendar {
  return {
    timeZone: config.timeZone,
    hours: config.hours,
    exceptions: [
      ...config.holidays.map((h, i) => ({
        id: `file-holiday-${i}`,
        kind: 'holiday' as const,
        name: h.name,
        from: h.from,
        to: h.to ?? h.from,
        media: h.media,
        text: h.text,
      })),
      ...config.closures.map((c, i) => ({
        id: `file-closure-${i}`,
        kind: 'closure' as const,
        name: c.name,
        from: c.from,
        to: c.to,
        media: c.media,
        text: c.text,
      })),
    ],
  };
}

export class FlowsConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid flows configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'FlowsConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '(root)';
}

/** Parses and cross-checks a flows document; throws FlowsConfigError listing every problem. */
export function parseFlows(raw: unknown): FlowsFile {
  const parsed = flowsFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new FlowsConfigError(
      parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`),
    );
  const file = parsed.data;
  const problems: string[] = [];
  if (!(file.default in file.flows)) problems.push(`default: no flow named '${file.default}'`);
  for (const [number, flow] of Object.entries(file.numbers))
    if (!(flow in file.flows)) problems.push(`numbers.${number}: no flow named '${flow}'`);
  for (const [name, cal] of Object.entries(file.calendars)) {
    for (const p of calendarProblems(calendarOf(cal)))
      problems.push(`calendars.${name}.${fileExceptionPath(p.path, cal)}: ${p.message}`);
  }
  for (const [name, list] of Object.entries(file.flows))
    checkNodes(list, `flows.${name}`, file, problems);
  if (problems.length > 0) throw new FlowsConfigError(problems);
  return file;
}

/** Maps "exceptions[3]" back to "holidays[1]" / "closures[0]" as written in the file. */
function fileExceptionPath(path: string, cal: CalendarConfig): string {
  const m = /^exceptions\[(\d+)\]$/.exec(path);
  if (!m) return path;
  const i = Number(m[1]);
  return i < cal.holidays.length ? `holidays[${i}]` : `closures[${i - cal.holidays.length}]`;
}
