// A real SMTP server on loopback that keeps what it receives (voicemail mails in tests).
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestMailbox {
  /** SMTP_URL for the sidecar. */
  url: string;
  mails: ParsedMail[];
  /** Resolves with the next mail to arrive (ask before the mail is sent). */
  next(): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startTestSmtp(port: number): Promise<TestMailbox> {
  const mails: ParsedMail[] = [];
  let waiter: ((mail: ParsedMail) => void) | undefined;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          waiter?.(mail);
          done();
        })
        .catch((err: Error) => done(err));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    next: () => new Promise<ParsedMail>((resolve) => (waiter = resolve)),
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
