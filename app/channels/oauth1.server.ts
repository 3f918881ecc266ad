import { createHmac, randomBytes } from "node:crypto";

/**
 * OAuth 1.0a request signing (RFC 5849 §3, HMAC-SHA1), as X requires for user-context calls made with
 * an app's consumer keys and a user's access token. A JSON body is not part of the signature (§3.4.1.3
 * only covers form-encoded bodies), so signing needs the method, the URL and its query alone.
 */

export interface OAuth1Keys {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** RFC 3986 percent-encoding, which encodeURIComponent leaves incomplete for !'()*. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The signature base string of §3.4.1: method, base URL and the sorted, encoded parameters. */
export function signatureBaseString(method: string, url: string, params: [string, string][]): string {
  const parsed = new URL(url);
  const all: [string, string][] = [...params, ...parsed.searchParams.entries()];
  const normalized = all
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  // §3.4.1.2: scheme and host in lower case, the default port left out (URL does both), no query.
  const baseUrl = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(normalized)].join("&");
}

export function hmacSignature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac("sha1", key).update(baseString).digest("base64");
}

/** The `Authorization: OAuth …` header for one request; a fresh nonce and timestamp every call. */
export function oauth1Header(
  method: string,
  url: string,
  keys: OAuth1Keys,
  now = Date.now(),
  nonce = randomBytes(16).toString("hex"),
): string {
  const oauth: [string, string][] = [
    ["oauth_consumer_key", keys.consumerKey],
    ["oauth_nonce", nonce],
    ["oauth_signature_method", "HMAC-SHA1"],
    ["oauth_timestamp", String(Math.floor(now / 1000))],
    ["oauth_token", keys.token],
    ["oauth_version", "1.0"],
  ];
  const signature = hmacSignature(
    signatureBaseString(method, url, oauth),
    keys.consumerSecret,
    keys.tokenSecret,
  );
  const fields = [...oauth, ["oauth_signature", signature] as [string, string]];
  return `OAuth ${fields.map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(", ")}`;
}
