// Twilio REST error bodies: {code, message, more_info, status}. One place maps codes to HTTP status.

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export class TwilioApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  toBody(): TwilioErrorBody {
    return twilioErrorBody(this.code, this.message, this.status);
  }
}

export function twilioErrorBody(code: number, message: string, status: number): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

const bad = (code: number, message: string) => new TwilioApiError(code, message, 400);

export const Errors = {
  authenticate: () => new TwilioApiError(20003, 'Authenticate', 401),
  notFound: (path: string) =>
    new TwilioApiError(20404, `The requested resource ${path} was not found`, 404),
  tooManyRequests: () => new TwilioApiError(20429, 'Too Many Requests', 429),
  serverError: (status: number) =>
    status === 503
      ? new TwilioApiError(20503, 'Service Unavailable', 503)
      : new TwilioApiError(20500, 'Internal Server Error', status),
  toRequired: () => bad(21604, "A 'To' phone number is required."),
  fromRequired: () => bad(21603, "A 'From' phone number is required."),
  bodyRequired: () => bad(21602, 'Message body is required.'),
  invalidTo: (to: string) => bad(21211, `Invalid 'To' Phone Number: ${to}`),
  invalidFrom: (from: string) =>
    bad(
      21212,
      `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
    ),
  fromNotOwned: (from: string) =>
    bad(
      21606,
      `The 'From' phone number provided (${from}) is not a valid message-capable Twilio phone number for this destination/account.`,
    ),
  sameToFrom: () => bad(21266, "'To' and 'From' number cannot be the same"),
  bodyTooLong: () => bad(21617, 'The concatenated message body exceeds the 1600 character limit.'),
  invalidMediaUrl: () => bad(21620, 'Invalid media URL(s)'),
  invalidStatusCallback: () => bad(21609, "Invalid 'StatusCallback'"),
  unsubscribed: () => bad(21610, 'Attempt to send to unsubscribed recipient'),
  serviceNotFound: () => bad(21701, 'The Messaging Service does not exist'),
  serviceNoNumbers: () => bad(21704, 'The Messaging Service contains no phone numbers'),
  serviceInvalid: () => bad(21705, 'The Messaging Service is invalid'),
};

/** Carrier-side error codes used for failed/undelivered messages (error_code on the resource). */
export const DELIVERY_ERROR_MESSAGES: Readonly<Record<number, string>> = {
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
};

/** Misuse of the sandbox's own control surface (not a Twilio API error). */
export class SandboxError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}
