// Sending SMS, whatever carries it (Twilio today; a GSM gateway through Asterisk later).
export interface OutgoingSms {
  to: string;
  body: string;
  /** Where the carrier posts delivery status changes (signed); optional. */
  statusCallbackUrl?: string;
}

export interface SentSms {
  messageId: string;
  from: string;
  status: string;
}

export class SmsSendError extends Error {
  constructor(
    message: string,
    /** Worth retrying later (carrier down, rate limited) rather than a refused message. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

export interface SmsPort {
  send(sms: OutgoingSms): Promise<SentSms>;
}

/** Delivery statuses after which nothing changes any more. */
export const FINAL_SMS_STATUSES = ['delivered', 'undelivered', 'failed'] as const;
