// Voicemail by email (V5): the audio attached, the link in the text.
import { readFile } from 'node:fs/promises';
import nodemailer, { type Transporter } from 'nodemailer';

export interface VoicemailMail {
  to: string;
  box: string;
  from: string;
  receivedAt: Date;
  audioPath: string;
  link: string;
}

export class VoicemailMailer {
  private readonly transport: Transporter;
  constructor(
    smtpUrl: string,
    private readonly sender: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(mail: VoicemailMail): Promise<void> {
    await this.transport.sendMail({
      from: this.sender,
      to: mail.to,
      subject: `Voicemail (${mail.box}) from ${mail.from}`,
      text: [
        `New voicemail in box ${mail.box}`,
        `From: ${mail.from}`,
        `Received: ${mail.receivedAt.toISOString()}`,
        `Listen: ${mail.link}`,
      ].join('\n'),
      attachments: [
        {
          filename: 'voicemail.wav',
          content: await readFile(mail.audioPath),
          contentType: 'audio/wav',
        },
      ],
    });
  }

  close(): void {
    this.transport.close();
  }
}
