// A campaign's definition: what to say, what to ask, when and how often to call. Validated with
// zod at the API boundary; everything downstream trusts it.
import { z } from 'zod';

const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'HH:MM (00:00–24:00)');
const span = z
  .object({ from: hhmm, to: hhmm })
  .strict()
  .refine((s) => s.from < s.to, { message: 'from must be before to' });
const day = z.array(span).default([]);
const media = z.string().regex(/^(sound|recording):[\w/.-]+$/, 'sound:<name> or recording:<name>');
const variable = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');
const digit = z.string().regex(/^[0-9*#]$/, 'one keypad key');

/** A piece of the message: fixed audio, or a row variable spoken with Asterisk's prompts. */
export const messagePartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('media'), media }).strict(),
  z
    .object({
      type: z.enum(['number', 'digits', 'amount', 'date']),
      variable,
      unit: media.optional(),
    })
    .strict(),
]);
export type MessagePart = z.infer<typeof messagePartSchema>;

const retryRule = z
  .object({
    delayMs: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600_000),
    /** Attempts in all (the first included) after which this outcome is final. */
    maxAttempts: z.number().int().min(1).max(20),
  })
  .strict();
const noRetry = { delayMs: 0, maxAttempts: 1 };

export const campaignDefinitionSchema = z
  .object({
    name: z.string().min(1).max(200),
    /** invitation: message + keypad question (RSVP); autoinformer: message only, listened or not. */
    mode: z.enum(['invitation', 'autoinformer']).default('invitation'),
    /** The event whose RSVP this collects; names the CRM property written per contact. */
    event: z
      .object({ name: z.string().min(1).max(200), rsvpProperty: variable })
      .strict()
      .optional(),
    message: z.array(messagePartSchema).min(1),
    question: z
      .object({
        prompt: media,
        answers: z.record(digit, z.enum(['yes', 'no'])).default({ '1': 'yes', '2': 'no' }),
        repeatDigit: digit.default('9'),
        optOutDigit: digit.optional(),
        timeoutMs: z.number().int().min(500).max(30_000).default(5000),
        maxRepeats: z.number().int().min(0).max(5).default(2),
      })
      .strict()
      .optional(),
    callerId: z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 number that can be called back'),
    maxLines: z.number().int().min(1).max(500),
    ringSeconds: z.number().int().min(5).max(120).default(30),
    /** Per weekday, in the recipient's local time. */
    windows: z
      .object({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day })
      .strict(),
    /** Local dates (YYYY-MM-DD, recipient's zone) with no calls. */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
    retry: z
      .object({
        busy: retryRule.default(noRetry),
        noAnswer: retryRule.default(noRetry),
        failed: retryRule.default(noRetry),
        machine: retryRule.default(noRetry),
        hungUp: retryRule.default(noRetry),
      })
      .strict()
      .default({
        busy: noRetry,
        noAnswer: noRetry,
        failed: noRetry,
        machine: noRetry,
        hungUp: noRetry,
      }),
    amd: z
      .object({ enabled: z.boolean(), onMachine: z.enum(['leave-message', 'retry']) })
      .strict()
      .default({ enabled: false, onMachine: 'retry' }),
    sms: z
      .object({
        /** fallback: after the last failed attempt; instead: no call at all. */
        mode: z.enum(['off', 'fallback', 'instead']),
        /** Text with {{variable}} placeholders. */
        text: z.string().min(1).max(1600),
        clarify: z.string().min(1).max(1600).default('Please reply YES or NO.'),
        yes: z.array(z.string().min(1)).default(['YES', 'Y', 'SI', 'SÌ', 'OUI', 'JA', 'ДА']),
        no: z.array(z.string().min(1)).default(['NO', 'N', 'NON', 'NEIN', 'НЕТ']),
        stop: z
          .array(z.string().min(1))
          .default(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'СТОП']),
      })
      .strict()
      .optional(),
    /** A row variable / CRM property that must be true-ish for the contact to be called. */
    consentVariable: variable.optional(),
    /** A row variable / CRM property holding the recipient's IANA zone, if known. */
    timeZoneVariable: variable.optional(),
    /** Start on a schedule (epoch ms); absent = when started. */
    startAt: z.number().int().optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.mode === 'invitation' && !d.question)
      ctx.addIssue({
        code: 'custom',
        path: ['question'],
        message: 'an invitation asks a question',
      });
    if (d.mode === 'invitation' && !d.event)
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'an invitation names its event' });
    if (d.sms?.mode === 'instead' && d.mode === 'autoinformer')
      ctx.addIssue({ code: 'custom', path: ['sms', 'mode'], message: 'autoinformer calls' });
  });

export type CampaignDefinition = z.output<typeof campaignDefinitionSchema>;
export type CampaignDefinitionInput = z.input<typeof campaignDefinitionSchema>;

/** Row variables the message needs: an import must provide them on every row. */
export function requiredVariables(def: CampaignDefinition): string[] {
  const vars = def.message.flatMap((p) => (p.type === 'media' ? [] : [p.variable]));
  return [...new Set(vars)];
}
