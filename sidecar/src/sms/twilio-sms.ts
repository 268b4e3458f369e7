// SmsPort over the official `twilio` client. The client always builds https://api.twilio.com
// URLs; TWILIO_API_BASE_URL (the sandbox in tests) is honoured by an httpClient that rewrites
// the origin and delegates to the library's own RequestClient.
import twilio from 'twilio';
import type RequestClientBase from 'twilio/lib/base/RequestClient.js';
import type { OutgoingSms, SentSms, SmsPort } from './port.ts';
import { SmsSendError } from './port.ts';

export interface TwilioSmsConfig {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  apiBaseUrl: string;
}

const TWILIO_ORIGIN = 'https://api.twilio.com';

class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super({ timeout: 10_000 });
  }

  override request<TData>(opts: RequestClientBase.RequestOptions<TData>) {
    const uri = opts.uri.startsWith(TWILIO_ORIGIN)
      ? this.base + opts.uri.slice(TWILIO_ORIGIN.length)
      : opts.uri;
    return super.request<TData>({ ...opts, uri });
  }
}

export class TwilioSms implements SmsPort {
  private readonly client: twilio.Twilio;

  constructor(private readonly config: TwilioSmsConfig) {
    const base = config.apiBaseUrl.replace(/\/$/, '');
    this.client = twilio(
      config.accountSid,
      config.authToken,
      base === TWILIO_ORIGIN ? {} : { httpClient: new RebasedRequestClient(base) },
    );
  }

  async send(sms: OutgoingSms): Promise<SentSms> {
    try {
      const msg = await this.client.messages.create({
        to: sms.to,
        from: this.config.fromNumber,
        body: sms.body,
        ...(sms.statusCallbackUrl ? { statusCallback: sms.statusCallbackUrl } : {}),
      });
      return { messageId: msg.sid, from: msg.from ?? this.config.fromNumber, status: msg.status };
    } catch (err) {
      const e = err as { status?: unknown; code?: unknown; message?: unknown };
      const status = typeof e.status === 'number' ? e.status : undefined;
      const code = typeof e.code === 'number' || typeof e.code === 'string' ? ` / ${e.code}` : '';
      const reason = typeof e.message === 'string' ? e.message : String(err);
      const message = `Twilio refused the SMS${status ? ` (${status}${code})` : ''}: ${reason}`;
      throw new SmsSendError(message, status === undefined || status === 429 || status >= 500);
    }
  }

  /** X-Twilio-Signature check with the library's own validator. */
  validate(signature: string, url: string, params: Record<string, string>): boolean {
    return twilio.validateRequest(this.config.authToken, signature, url, params);
  }
}
