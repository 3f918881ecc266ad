import { describe, expect, it } from "vitest";
import { twilioSignature } from "./twilio";

describe("twilioSignature", () => {
  it("matches the example of Twilio's security documentation", () => {
    // https://www.twilio.com/docs/usage/security#validating-requests (auth token 12345)
    const params = {
      CallSid: "CA1234567890ABCDE",
      Caller: "+12349013030",
      Digits: "1234",
      From: "+12349013030",
      To: "+18005551212",
    };
    expect(twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)).toBe(
      "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
    );
  });
  it("changes with any parameter", () => {
    const a = twilioSignature("t", "https://x.example/sms", { Body: "STOP", From: "+14155550100" });
    const b = twilioSignature("t", "https://x.example/sms", { Body: "START", From: "+14155550100" });
    expect(a).not.toBe(b);
  });
});
