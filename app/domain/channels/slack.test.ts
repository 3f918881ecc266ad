import { describe, expect, it } from "vitest";
import { escapeSlack, slackLink } from "./slack";
import { compose, sentence, URL } from "./test-support";

describe("escapeSlack / slackLink", () => {
  it("escapes only &, < and >", () => {
    expect(escapeSlack(`Crews & trucks <on site> > 3 *now* "ok"`)).toBe(
      `Crews &amp; trucks &lt;on site&gt; &gt; 3 *now* "ok"`,
    );
  });

  it("keeps a link's URL from ending the link early", () => {
    expect(slackLink("https://x.example/a?b=1&c=2|3", "Open")).toBe(
      "<https://x.example/a?b=1&amp;c=2%7C3|Open>",
    );
  });
});

describe("Slack variant", () => {
  it("builds header, section, context and link blocks", () => {
    const slack = compose("slack", { body: "Crews & trucks <on site>." });
    expect(slack.blocks).toEqual([
      {
        type: "header",
        text: { type: "plain_text", text: "Power outage in Northern California", emoji: true },
      },
      { type: "section", text: { type: "mrkdwn", text: "Crews &amp; trucks &lt;on site&gt;." } },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: "Update 2 · SEV2 · California and Nevada · Next update by 3:30 PM PST" },
        ],
      },
      { type: "section", text: { type: "mrkdwn", text: `<${URL}|View the incident status page>` } },
    ]);
    expect(slack.text).toBe(
      `Update 2: Power outage in Northern California\nCrews &amp; trucks &lt;on site&gt;.\n<${URL}|Details>`,
    );
    expect(slack).toMatchObject({ used: slack.text.length, limit: 40_000, unit: "characters", ok: true });
  });

  it("cuts a header over 150 characters at a word, with a note", () => {
    const slack = compose("slack", { title: sentence(40) });
    const header = slack.blocks[0];
    expect(header.type === "header" && header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.type === "header" && header.text.text.endsWith("abcd…")).toBe(true);
    expect(slack.notes).toContain("The header shows the title cut to 150 characters");
  });

  it("splits a long text into sections of at most 3,000 characters without losing any of it", () => {
    // 70 sentences of 100 characters: 29 of them (2,928 characters) fit in a section.
    const body = Array(70).fill(sentence(20)).join(" ");
    const sections = compose("slack", { body }).blocks.flatMap((b) =>
      b.type === "section" && !b.text.text.startsWith("<") ? [b.text.text] : [],
    );
    expect(sections.map((s) => s.length)).toEqual([2928, 2928, 1211]);
    expect(sections.join(" ")).toBe(body);
  });

  it("leaves the next update out of a resolution", () => {
    const slack = compose("slack", { kind: "resolution" });
    expect(slack.blocks[2]).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: "Resolved · SEV2 · California and Nevada" }],
    });
  });
});
