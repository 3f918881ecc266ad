import { describe, expect, it } from "vitest";
import { parseTwilioInbound, twilioSignature, validTwilioSignature } from "./twilio-inbound.server";

// The worked example of Twilio's webhook-security documentation.
const DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const DOC_PARAMS = {
  CallSid: "CA1234567890ABCDE",
  Caller: "+12349013030",
  Digits: "1234",
  From: "+12349013030",
  To: "+18005551212",
};
const DOC_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

describe("X-Twilio-Signature", () => {
  it("reproduces the signature of Twilio's documented example", () => {
    expect(twilioSignature("12345", DOC_URL, DOC_PARAMS)).toBe(DOC_SIGNATURE);
    expect(twilioSignature("12345", DOC_URL, new URLSearchParams(DOC_PARAMS))).toBe(DOC_SIGNATURE);
  });

  it("accepts the right signature and refuses a wrong token, URL, parameter or header", () => {
    const ok = { authToken: "12345", url: DOC_URL, params: DOC_PARAMS, signature: DOC_SIGNATURE };
    expect(validTwilioSignature(ok)).toBe(true);
    expect(validTwilioSignature({ ...ok, authToken: "54321" })).toBe(false);
    expect(validTwilioSignature({ ...ok, url: "https://mycompany.com/myapp.php?foo=1&bar=3" })).toBe(false);
    expect(validTwilioSignature({ ...ok, params: { ...DOC_PARAMS, Digits: "1235" } })).toBe(false);
    expect(validTwilioSignature({ ...ok, signature: null })).toBe(false);
    expect(validTwilioSignature({ ...ok, signature: "short" })).toBe(false);
  });

  it("accepts the URL with or without its default port, as Twilio's helpers do", () => {
    const withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    const signedWithPort = twilioSignature("12345", withPort, DOC_PARAMS);
    expect(
      validTwilioSignature({
        authToken: "12345",
        url: DOC_URL,
        params: DOC_PARAMS,
        signature: signedWithPort,
      }),
    ).toBe(true);
    expect(
      validTwilioSignature({
        authToken: "12345",
        url: withPort,
        params: DOC_PARAMS,
        signature: DOC_SIGNATURE,
      }),
    ).toBe(true);
    const otherPort = "https://mycompany.com:8443/myapp.php?foo=1&bar=2";
    expect(
      validTwilioSignature({
        authToken: "12345",
        url: otherPort,
        params: DOC_PARAMS,
        signature: DOC_SIGNATURE,
      }),
    ).toBe(false);
  });

  it("orders repeated parameters by value", () => {
    const a = twilioSignature("t", "https://x.test/h", { MediaUrl: ["b", "a"] });
    const b = twilioSignature(
      "t",
      "https://x.test/h",
      new URLSearchParams([
        ["MediaUrl", "a"],
        ["MediaUrl", "b"],
      ]),
    );
    expect(a).toBe(b);
  });
});

describe("parseTwilioInbound", () => {
  const url = "https://console.example.test/webhooks/twilio/sms";
  const token = "auth-token-0123456789abcdef";
  const signed = (fields: Record<string, string>) => {
    const body = new URLSearchParams(fields).toString();
    return { authToken: token, url, body, signature: twilioSignature(token, url, fields) };
  };
  const base = {
    MessageSid: "SM0123456789abcdef0123456789abcdef",
    From: "+447700900123",
    To: "+447700900999",
  };

  it("reads a STOP in any case as an opt-out", () => {
    for (const body of ["STOP", "stop", " Unsubscribe ", "quit"]) {
      const result = parseTwilioInbound(signed({ ...base, Body: body }));
      expect(result).toEqual({
        ok: true,
        message: { messageSid: base.MessageSid, from: base.From, to: base.To, body, keyword: "stop" },
      });
    }
  });

  it("only a message that is exactly a keyword counts", () => {
    const result = parseTwilioInbound(signed({ ...base, Body: "please stop the outage" }));
    expect(result.ok && result.message.keyword).toBeNull();
    const start = parseTwilioInbound(signed({ ...base, Body: "START" }));
    expect(start.ok && start.message.keyword).toBe("start");
  });

  it("trusts Advanced Opt-Out's OptOutType", () => {
    const result = parseTwilioInbound(signed({ ...base, Body: "ARRET", OptOutType: "STOP" }));
    expect(result.ok && result.message.keyword).toBe("stop");
  });

  it("refuses a forged or tampered request with 403", () => {
    const request = signed({ ...base, Body: "STOP" });
    expect(parseTwilioInbound({ ...request, signature: "forged" })).toMatchObject({ ok: false, status: 403 });
    const tampered = request.body.replace("%2B447700900123", "%2B447700900124");
    expect(parseTwilioInbound({ ...request, body: tampered })).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses a signed request without a sender with 400", () => {
    expect(parseTwilioInbound(signed({ Body: "STOP" }))).toMatchObject({ ok: false, status: 400 });
  });
});
