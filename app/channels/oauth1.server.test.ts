import { describe, expect, it } from "vitest";
import { hmacSignature, oauth1Header, percentEncode, signatureBaseString } from "./oauth1.server";

// The worked example of X's "Creating a signature" guide (developer.x.com, OAuth 1.0a).
const KEYS = {
  consumerKey: "xvz1evFS4wEEPTGEFPHBog",
  consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
  token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
  tokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
};
const NONCE = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg";

describe("OAuth 1.0a signing", () => {
  it("reproduces the documented base string and signature", () => {
    const base = signatureBaseString(
      "post",
      "https://API.twitter.com/1.1/statuses/update.json?include_entities=true",
      [
        ["status", "Hello Ladies + Gentlemen, a signed OAuth request!"],
        ["oauth_consumer_key", KEYS.consumerKey],
        ["oauth_nonce", NONCE],
        ["oauth_signature_method", "HMAC-SHA1"],
        ["oauth_timestamp", "1318622958"],
        ["oauth_token", KEYS.token],
        ["oauth_version", "1.0"],
      ],
    );
    expect(base).toBe(
      "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26" +
        "oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26" +
        "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26" +
        "oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26" +
        "status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521",
    );
    expect(hmacSignature(base, KEYS.consumerSecret, KEYS.tokenSecret)).toBe("hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
  });

  it("builds a header whose values are percent-encoded and whose nonce changes per call", () => {
    const header = oauth1Header("POST", "https://api.x.com/2/tweets", KEYS, 1318622958000, NONCE);
    expect(header.startsWith("OAuth ")).toBe(true);
    expect(header).toContain(`oauth_consumer_key="${KEYS.consumerKey}"`);
    expect(header).toContain('oauth_timestamp="1318622958"');
    expect(header).toMatch(/oauth_signature="[A-Za-z0-9%]+"/);
    expect(oauth1Header("POST", "https://api.x.com/2/tweets", KEYS)).not.toBe(
      oauth1Header("POST", "https://api.x.com/2/tweets", KEYS),
    );
    expect(percentEncode("a+b c!*'()")).toBe("a%2Bb%20c%21%2A%27%28%29");
  });
});
