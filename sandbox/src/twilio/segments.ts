// SMS segment counting the way carriers (and Twilio's num_segments) do it: GSM-7 when every
// character is in the GSM 03.38 default alphabet or its extension table (extension characters
// cost two septets), otherwise UCS-2. Single message: 160 septets / 70 UTF-16 units; concatenated
// segments carry a 7-octet UDH, leaving 153 septets / 67 units. A character (escape pair or
// surrogate pair) is never split across segments.

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentInfo {
  encoding: SmsEncoding;
  segments: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false;
  return true;
}

function pack(units: number[], single: number, multi: number): number {
  const total = units.reduce((a, b) => a + b, 0);
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of units) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return segments;
}

export function countSegments(text: string): SegmentInfo {
  const chars = [...text];
  if (isGsm7(text)) {
    return {
      encoding: 'GSM-7',
      segments: pack(
        chars.map((ch) => (extension.has(ch) ? 2 : 1)),
        160,
        153,
      ),
    };
  }
  return {
    encoding: 'UCS-2',
    segments: pack(
      chars.map((ch) => ch.length),
      70,
      67,
    ),
  };
}
