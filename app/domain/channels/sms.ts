import { graphemes } from "./text";

/**
 * SMS encoding and segments, counted the way Twilio's Message Segment Calculator does: a message is
 * GSM-7 when every character is in the GSM 03.38 basic or extension table, UCS-2 otherwise; one SMS
 * carries 140 octets (160 septets or 70 UTF-16 units), and each part of a concatenated message loses 6
 * octets to its User Data Header (153 septets or 67 units). A character never straddles two parts: not
 * an escape pair, not a surrogate pair, not a grapheme cluster (a flag or a family emoji).
 */

// GSM 03.38 basic table (ESC excluded: it only introduces the extension table).
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
// The extension table: each character is sent as ESC + code, two septets.
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");

const SEGMENT_BITS = 140 * 8;
const USER_DATA_HEADER_BITS = 6 * 8;

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SmsCount {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** Units one segment holds: 160 / 70 for a single message, 153 / 67 per part when concatenated. */
  perSegment: number;
  /** The characters that force UCS-2, each once, in order of appearance. */
  nonGsmCharacters: string[];
}

export function isGsmCharacter(character: string): boolean {
  return GSM_BASIC.has(character) || GSM_EXTENSION.has(character);
}

function septets(character: string): number {
  return GSM_EXTENSION.has(character) ? 2 : 1;
}

/** Twilio splits text into grapheme clusters, but a CRLF pair counts as its two characters. */
function smsCharacters(text: string): string[] {
  return graphemes(text).flatMap((g) => (g === "\r\n" ? ["\r", "\n"] : [g]));
}

export function smsSegments(text: string): SmsCount {
  const characters = smsCharacters(text);
  const nonGsmCharacters = [...new Set(characters.filter((c) => !isGsmCharacter(c)))];
  const encoding: SmsEncoding = nonGsmCharacters.length === 0 ? "GSM-7" : "UCS-2";
  const bitsPerUnit = encoding === "GSM-7" ? 7 : 16;
  const sizes = characters.map((c) => (encoding === "GSM-7" ? septets(c) : c.length));
  const units = sizes.reduce((sum, size) => sum + size, 0);

  const singleCapacity = Math.floor(SEGMENT_BITS / bitsPerUnit);
  const partCapacity = Math.floor((SEGMENT_BITS - USER_DATA_HEADER_BITS) / bitsPerUnit);
  if (units === 0) return { encoding, units, segments: 0, perSegment: singleCapacity, nonGsmCharacters };
  if (units <= singleCapacity)
    return { encoding, units, segments: 1, perSegment: singleCapacity, nonGsmCharacters };

  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > partCapacity) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments, perSegment: partCapacity, nonGsmCharacters };
}
