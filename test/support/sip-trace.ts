// Reads SIPp's message trace (-trace_msg -message_file): what a SIPp peer received and sent,
// so a test can check the SIP that Asterisk put on the wire (Request-URI, From, Call-ID…).
import { readFile } from 'node:fs/promises';

export interface TracedSipMessage {
  direction: 'received' | 'sent';
  /** "INVITE sip:+39…@127.0.0.1:15070 SIP/2.0" or "SIP/2.0 486 Busy Here". */
  startLine: string;
  /** Header values by lower-case name, in order of appearance. */
  headers: Map<string, string[]>;
  /** What follows the headers (SDP, a NOTIFY's SIP fragment), trimmed. */
  body: string;
}

/** Every message in the trace, oldest first; an absent file (nothing traced yet) is empty. */
export async function readSipTrace(file: string): Promise<TracedSipMessage[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  // Each entry: a dashed line with a timestamp, "UDP message received|sent …", a blank line,
  // then the message itself.
  return text
    .split(/^-{10,}.*$/m)
    .map((block) => block.replace(/^\s+/, '').split(/\r?\n/))
    .filter((lines) => /^UDP message (received|sent)/.test(lines[0] ?? ''))
    .map((lines) => {
      const direction = lines[0]!.includes('received') ? 'received' : 'sent';
      const rest = lines.slice(1);
      while (rest[0] === '') rest.shift();
      const startLine = rest.shift() ?? '';
      const headers = new Map<string, string[]>();
      let i = 0;
      for (; i < rest.length; i++) {
        const line = rest[i]!;
        if (line === '') break; // the body follows
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
      }
      return {
        direction,
        startLine,
        headers,
        body: rest
          .slice(i + 1)
          .join('\n')
          .trim(),
      };
    });
}

/** The requests of one method the peer received, e.g. 'INVITE'. */
export async function receivedRequests(file: string, method: string) {
  return (await readSipTrace(file)).filter(
    (m) => m.direction === 'received' && m.startLine.startsWith(`${method} `),
  );
}

/** The responses the peer sent, as "486 Busy Here" (status code and reason). */
export async function sentResponses(file: string): Promise<string[]> {
  return (await readSipTrace(file))
    .filter((m) => m.direction === 'sent' && m.startLine.startsWith('SIP/2.0 '))
    .map((m) => m.startLine.slice('SIP/2.0 '.length));
}

/** The user part of the first SIP URI in a start line or header ("sip:+39…@host" → "+39…"). */
export function sipUser(value: string): string | undefined {
  return /sips?:([^@;>\s]+)@/.exec(value)?.[1];
}

/** The Request-URI of a request's start line. */
export function requestUri(m: TracedSipMessage): string {
  return m.startLine.split(' ')[1] ?? '';
}

export function header(m: TracedSipMessage, name: string): string | undefined {
  return m.headers.get(name.toLowerCase())?.[0];
}
