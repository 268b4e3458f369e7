// Voicemail box (V5, V7): greeting, beep, record until '#' or the maximum; the message is
// archived, linked from the CRM call, and emailed with the audio attached.
import type { Logger } from '../../ports.ts';
import type { FileRecordingArchive } from '../../recordings/archive.ts';
import type { VoicemailMailer } from '../../recordings/voicemail-mail.ts';
import { CallEndedError } from '../../telephony/port.ts';
import type { FlowNode } from '../flow-schema.ts';
import type { FlowContext, FlowStep } from '../context.ts';
import type { CallMedia } from '../media-port.ts';

type VoicemailNode = Extract<FlowNode, { type: 'voicemail' }>;

export class VoicemailStep implements FlowStep {
  readonly name = 'voicemail';
  constructor(
    private readonly def: VoicemailNode,
    private readonly media: CallMedia,
    private readonly archive: FileRecordingArchive,
    private readonly mailer: VoicemailMailer | undefined,
    private readonly log: Logger,
  ) {}

  async run(ctx: FlowContext): Promise<'stop'> {
    ctx.route.push(`voicemail:${this.def.box}`);
    await ctx.call.play(this.def.greeting ?? 'sound:vm-intro');
    const name = `vm-${ctx.callId}`;
    const rec = await this.media.record(ctx.call.info.id, {
      name,
      maxSeconds: this.def.maxSeconds,
      beep: true,
      terminateOn: '#',
    });
    // From here on the message is kept even if the caller has hung up meanwhile.
    if (!rec.ok) {
      ctx.notes.push(`Voicemail ${this.def.box}: recording failed`);
      return 'stop';
    }
    const stored = await this.archive.storeFromAri(name, {
      portalId: ctx.portalId,
      kind: 'voicemail',
      callId: ctx.callId,
    });
    ctx.recordingUrl = stored.url;
    ctx.notes.push(
      `Voicemail left in box ${this.def.box}${rec.durationSec !== null ? ` (${rec.durationSec} s)` : ''}`,
    );
    await this.email(ctx, stored.id, stored.url);
    if (!ctx.call.isEnded()) {
      await ctx.call.play('sound:vm-goodbye').catch((err: unknown) => {
        if (!(err instanceof CallEndedError)) throw err;
      });
      await ctx.call.hangup();
    }
    return 'stop';
  }

  private async email(ctx: FlowContext, id: string, link: string): Promise<void> {
    if (!this.def.email) return;
    if (!this.mailer) {
      ctx.notes.push('Voicemail email not sent: SMTP_URL is not configured');
      return;
    }
    const rec = await this.archive.find(id);
    try {
      await this.mailer.send({
        to: this.def.email,
        box: this.def.box,
        from: ctx.caller ?? ctx.call.info.callerNumber,
        receivedAt: new Date(ctx.now()),
        audioPath: rec!.absPath,
        link,
      });
    } catch (err) {
      this.log.error({ err }, 'voicemail email failed');
      ctx.notes.push(`Voicemail email to ${this.def.box} failed; the message is in the CRM call`);
    }
  }
}
