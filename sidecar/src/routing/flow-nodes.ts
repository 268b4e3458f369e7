// The nodes a flow is made of, as data: their TypeScript shape and the zod schema that checks
// each one by its `type` (an unknown type gets one clear message naming the node).
import { z } from 'zod';

const media = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const digitKey = z.string().regex(/^[0-9*#]$/, 'a single key 0-9, * or #');

export type FlowNode =
  | { type: 'play'; media: string | string[] }
  | { type: 'say'; kind: 'digits' | 'number' | 'date'; value: string }
  | {
      type: 'time-switch';
      calendar: string;
      open: FlowNode[];
      closed: FlowNode[];
      holiday?: FlowNode[] | undefined;
    }
  | {
      type: 'announcement';
      id: string;
      media: string;
      enabled: boolean;
      then: 'continue' | 'hangup';
    }
  | {
      type: 'menu';
      prompt: string | string[];
      options: Record<string, FlowNode[]>;
      timeoutMs: number;
      retries: number;
      invalidMedia: string;
      timeoutMedia: string;
      fallback: FlowNode[];
    }
  | {
      type: 'gather';
      prompt: string | string[];
      variable: string;
      maxDigits: number;
      terminator: string;
      timeoutMs: number;
    }
  | {
      type: 'support-gate';
      codeObject: 'companies' | 'contacts';
      codeProperty: string;
      contractObject: 'companies' | 'contacts';
      contractProperty: string;
      paidValues: string[];
      maxAttempts: number;
      codeMaxDigits: number;
      codeTimeoutMs: number;
      crmTimeoutMs: number;
      prompt: string | string[];
      invalidMedia: string;
      paid: FlowNode[];
      other: FlowNode[];
      fallback: FlowNode[];
    }
  | {
      type: 'queue';
      queue: string;
      priority: number;
      overflow: FlowNode[];
      noAgents?: FlowNode[] | undefined;
    }
  | {
      type: 'voicemail';
      box: string;
      email?: string | undefined;
      greeting?: string | undefined;
      maxSeconds: number;
    }
  | {
      type: 'park';
      slots: [number, number];
      timeoutSec: number;
      onTimeout: FlowNode[];
      returnToParker: boolean;
    }
  | { type: 'pickup'; emptyMedia: string }
  | {
      type: 'transfer';
      number: string;
      timeoutSec: number;
      callerId?: string | undefined;
      failed: FlowNode[];
    }
  | { type: 'goto'; flow: string }
  | { type: 'hangup' };

export const NODE_TYPES = [
  'play',
  'say',
  'time-switch',
  'announcement',
  'menu',
  'gather',
  'support-gate',
  'queue',
  'voicemail',
  'park',
  'pickup',
  'transfer',
  'goto',
  'hangup',
] as const;

export const nodes: z.ZodType<FlowNode[]> = z.lazy(() => z.array(node));
const optionalNodes = z.lazy(() => z.array(node)).optional();

const nodeSchemas = {
  play: z.strictObject({ type: z.literal('play'), media }),
  say: z.strictObject({
    type: z.literal('say'),
    kind: z.enum(['digits', 'number', 'date']),
    value: z.string().min(1),
  }),
  'time-switch': z.strictObject({
    type: z.literal('time-switch'),
    calendar: z.string().min(1),
    open: nodes,
    closed: nodes,
    holiday: optionalNodes,
  }),
  announcement: z.strictObject({
    type: z.literal('announcement'),
    id: z.string().min(1),
    media: z.string().min(1),
    enabled: z.boolean().default(false),
    then: z.enum(['continue', 'hangup']).default('continue'),
  }),
  menu: z.strictObject({
    type: z.literal('menu'),
    prompt: media,
    options: z.record(digitKey, nodes),
    timeoutMs: z.number().int().min(500).default(5000),
    retries: z.number().int().min(0).max(5).default(2),
    invalidMedia: z.string().default('sound:pm-invalid-option'),
    timeoutMedia: z.string().default('sound:please-try-again'),
    fallback: nodes,
  }),
  gather: z.strictObject({
    type: z.literal('gather'),
    prompt: media,
    variable: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/),
    maxDigits: z.number().int().min(1).max(32).default(16),
    terminator: z.string().default('#'),
    timeoutMs: z.number().int().min(500).default(5000),
  }),
  'support-gate': z.strictObject({
    type: z.literal('support-gate'),
    codeObject: z.enum(['companies', 'contacts']).default('companies'),
    codeProperty: z.string().min(1).default('vat_number'),
    contractObject: z.enum(['companies', 'contacts']).default('companies'),
    contractProperty: z.string().min(1).default('support_contract_status'),
    paidValues: z.array(z.string().min(1)).min(1).default(['paid']),
    maxAttempts: z.number().int().min(1).max(5).default(3),
    codeMaxDigits: z.number().int().min(1).max(32).default(16),
    codeTimeoutMs: z.number().int().min(500).default(6000),
    crmTimeoutMs: z.number().int().min(100).default(2000),
    prompt: media.default('sound:beep'),
    invalidMedia: z.string().default('sound:auth-incorrect'),
    paid: nodes,
    other: nodes,
    fallback: nodes,
  }),
  queue: z.strictObject({
    type: z.literal('queue'),
    queue: z.string().min(1),
    priority: z.number().int().default(0),
    overflow: nodes,
    noAgents: optionalNodes,
  }),
  voicemail: z.strictObject({
    type: z.literal('voicemail'),
    box: z.string().min(1),
    email: z.email().optional(),
    greeting: z.string().optional(),
    maxSeconds: z.number().int().min(1).max(600).default(120),
  }),
  park: z.strictObject({
    type: z.literal('park'),
    slots: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
    timeoutSec: z.number().int().min(1).default(45),
    returnToParker: z.boolean().default(true),
    onTimeout: nodes,
  }),
  pickup: z.strictObject({
    type: z.literal('pickup'),
    emptyMedia: z.string().default('sound:pbx-invalidpark'),
  }),
  transfer: z.strictObject({
    type: z.literal('transfer'),
    number: z.string().regex(/^\+?[0-9]{2,20}$/, 'digits, optionally with a leading +'),
    timeoutSec: z.number().int().min(1).default(30),
    callerId: z.string().optional(),
    failed: nodes,
  }),
  goto: z.strictObject({ type: z.literal('goto'), flow: z.string().min(1) }),
  hangup: z.strictObject({ type: z.literal('hangup') }),
} satisfies Record<(typeof NODE_TYPES)[number], z.ZodType>;

// A node is checked by its own schema once its type is known, so an unknown type gets one
// clear message instead of every variant's complaints.
export const node: z.ZodType<FlowNode> = z.unknown().transform((raw, ctx): FlowNode => {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(type in nodeSchemas)) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown node type ${JSON.stringify(type)} (expected one of ${NODE_TYPES.join(', ')})`,
      path: ['type'],
    });
    return z.NEVER;
  }
  const parsed = nodeSchemas[type as keyof typeof nodeSchemas].safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const missingBranch = /expected array, received undefined/.test(issue.message);
      ctx.addIssue({
        code: 'custom',
        message: missingBranch ? 'missing branch (a list of nodes)' : issue.message,
        path: issue.path,
      });
    }
    return z.NEVER;
  }
  return parsed.data;
});
