import { createHmac } from "node:crypto";

/**
 * Twilio's request signature (X-Twilio-Signature): base64 HMAC-SHA1, keyed by the account's auth token,
 * of the full URL Twilio called followed by every POST parameter name and value, sorted by name.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => `${k}${params[k]}`)
      .join("");
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}
