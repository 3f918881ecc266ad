import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/** Every address a host name resolves to (A and AAAA). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

const resolveWithDns: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Why a URL entered on the public status page must not be called, or null when every address it
 * resolves to is public unicast. The subscribe form already refuses private names and literals; this
 * is the check after DNS, so a public name pointing at 127.0.0.1, the cloud metadata address or the
 * internal network cannot aim the delivery worker there. A name that does not resolve is left to the
 * request itself (it fails, and is retried, like any unreachable host).
 */
export async function nonPublicAddressProblem(
  url: string,
  resolve: ResolveHost = resolveWithDns,
): Promise<string | null> {
  const hostname = new URL(url).hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (ipaddr.isValid(hostname)) addresses = [hostname];
  else {
    try {
      addresses = await resolve(hostname);
    } catch {
      return null;
    }
  }
  for (const address of addresses) {
    if (!ipaddr.isValid(address)) return `${hostname} resolves to ${address}, which is not an IP address.`;
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    const range = parsed.range();
    if (range !== "unicast")
      return `${hostname} resolves to ${address} (${range}), not a public address: Clarion does not send subscribers' webhooks into private networks.`;
  }
  return null;
}
