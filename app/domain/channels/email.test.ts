import { describe, expect, it } from "vitest";
import { escapeHtml } from "./email";
import { compose, URL, words } from "./test-support";

describe("escapeHtml", () => {
  it("escapes the five characters that matter in content and attributes", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("email variant", () => {
  it("prefixes the subject by kind", () => {
    expect(compose("email").subject).toBe("[Update] Power outage in Northern California");
    expect(compose("email", { kind: "holding" }).subject).toBe(
      "[Incident] Power outage in Northern California",
    );
    expect(compose("email", { kind: "resolution" }).subject).toBe(
      "[Resolved] Power outage in Northern California",
    );
  });

  it("cuts a long subject to 78 characters at a word", () => {
    // "[Update] " + title: words end at 8 + 5k; with "…" the kept part may be 77, so 13 words (73).
    const email = compose("email", { title: words(20) });
    expect(email.subject).toBe(`[Update] ${words(13)}…`);
    expect(email).toMatchObject({ used: 74, limit: 78, unit: "characters", ok: true });
  });

  it("keeps line breaks out of the subject (no header injection)", () => {
    expect(compose("email", { title: "Outage\r\nBcc: victim@example.com" }).subject).toBe(
      "[Update] Outage Bcc: victim@example.com",
    );
    expect(
      compose("email", {}, { overrides: { email: { subject: "Hi\nBcc: x@example.com" } } }).subject,
    ).toBe("Hi Bcc: x@example.com");
  });

  it("reports an overridden subject over 78 characters as invalid", () => {
    const email = compose("email", {}, { overrides: { email: { subject: "s".repeat(79) } } });
    expect(email).toMatchObject({ used: 79, ok: false });
  });

  it("escapes every piece of user text in the HTML part", () => {
    const email = compose("email", {
      title: `Outage <script>alert(1)</script>`,
      body: `Crews & "trucks" <img src=x onerror=alert(1)>`,
      orgName: "Acme <Power>",
      incidentUrl: "https://status.example.com/i/42?a=1&b=2",
    });
    expect(email.html).not.toMatch(/<script|<img/);
    expect(email.html).toContain(
      '<h1 style="margin:0 0 16px;font-size:22px">Outage &lt;script&gt;alert(1)&lt;/script&gt;</h1>',
    );
    expect(email.html).toContain("Crews &amp; &quot;trucks&quot; &lt;img src=x onerror=alert(1)&gt;");
    expect(email.html).toContain("Acme &lt;Power&gt; · Update 2");
    expect(email.html).toContain('<a href="https://status.example.com/i/42?a=1&amp;b=2"');
  });

  it("turns paragraphs and line breaks into HTML", () => {
    const email = compose("email", { body: "Line one\nline two\n\nPara two" });
    expect(email.html).toContain(
      '<p style="margin:0 0 16px">Line one<br>\nline two</p>\n<p style="margin:0 0 16px">Para two</p>',
    );
  });

  it("has a plain-text part with the facts and the link", () => {
    expect(compose("email").text).toBe(
      `Power outage in Northern California\n\nCrews are restoring power.\n\nSEV2 · California and Nevada · Next update by 3:30 PM PST\n\nDetails: ${URL}\n`,
    );
  });
});
