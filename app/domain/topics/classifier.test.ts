import { describe, expect, it } from "vitest";
import { DEFAULT_TAXONOMY } from "~db/reference/taxonomy";
import { buildClassifier, keywordProblem, type TopicDefinition } from "./classifier";

const classifier = buildClassifier(DEFAULT_TAXONOMY);
const topicOf = (text: string) => classifier.classify(text).topic;

/** A tiny taxonomy whose keywords the tests control, to test matching rules in isolation. */
const tiny: TopicDefinition[] = [
  { slug: "outage", label: "Outage", keywords: ["outage", "power out", "no power", "-power is back"] },
  { slug: "billing", label: "Billing", keywords: ["bill", "charged", "refund"] },
  { slug: "app-login", label: "App", keywords: ["app", "log in"] },
  { slug: "other", label: "Other", keywords: [] },
];
const small = buildClassifier(tiny);
const smallTopic = (text: string) => small.classify(text).topic;

describe("word boundaries and case", () => {
  it("matches whole words only", () => {
    expect(smallTopic("so happy today")).toBe("other");
    expect(smallTopic("Billy helped me")).toBe("other");
    expect(smallTopic("apply now")).toBe("other");
    expect(smallTopic("the APP crashed")).toBe("app-login");
    expect(smallTopic("my Bill is wrong")).toBe("billing");
  });

  it("does not cross clause boundaries inside a phrase", () => {
    expect(smallTopic("no. power bills are fine")).toBe("billing");
    expect(small.classify("no. power bills are fine").matched).toEqual(["bill"]);
  });
});

describe("inflections, fillers, contractions", () => {
  it("matches inflected forms of keywords", () => {
    expect(smallTopic("outages all over town")).toBe("outage");
    expect(smallTopic("they keep charging me")).toBe("billing");
    expect(smallTopic("I was charged")).toBe("billing");
    expect(smallTopic("billed wrongly")).toBe("billing");
    expect(smallTopic("refunded at last")).toBe("billing");
    expect(smallTopic("logging in fails")).toBe("app-login");
  });

  it("lets a phrase span up to two filler words, not more", () => {
    expect(smallTopic("the power's completely out")).toBe("outage");
    expect(smallTopic("power was totally out")).toBe("outage");
    expect(smallTopic("power plant workers are out")).toBe("other");
  });

  it("expands contractions with or without an apostrophe", () => {
    for (const text of ["can't log in", "cannot log in", "cant log in", "can’t login"]) {
      expect(topicOf(text)).toBe("app-login");
    }
  });
});

describe("typos, elongations, hashtags, emoji", () => {
  it("corrects one-edit typos of keyword words, but not real words", () => {
    expect(smallTopic("outtage on my street")).toBe("outage");
    expect(smallTopic("outgae again")).toBe("outage");
    expect(smallTopic("pure outrage")).toBe("other");
    expect(topicOf("internett down again")).toBe("outage");
    expect(topicOf("techincian never came")).toBe("install");
  });

  it("weighs a corrected match below a clean one", () => {
    expect(small.classify("outtage").score).toBeLessThan(small.classify("outage").score);
  });

  it("undoes elongations", () => {
    expect(topicOf("sooo slowwww tonight")).toBe("degraded");
    expect(smallTopic("billlll")).toBe("billing");
  });

  it("splits hashtags into words", () => {
    expect(smallTopic("#poweroutage")).toBe("outage");
    expect(smallTopic("#PowerOut in Fresno")).toBe("outage");
    expect(smallTopic("#nopower")).toBe("outage");
    expect(smallTopic("#outage")).toBe("outage");
    expect(smallTopic("#happyhour")).toBe("other");
    expect(topicOf("#spectrumoutage nothing here")).toBe("outage");
  });

  it("treats emoji keywords as hints", () => {
    expect(topicOf("⚡️🔌 again")).toBe("outage");
    expect(topicOf("🔌")).toBe("outage");
    expect(classifier.classify("🔌").score).toBeLessThan(classifier.classify("power outage").score);
  });

  it("ignores mentions and links", () => {
    expect(topicOf("@AcmeSupport hello there")).toBe("other");
    expect(topicOf("see https://example.com/app/login")).toBe("other");
  });
});

describe("negation and counter-evidence", () => {
  it("denies a topic after 'not'", () => {
    const r = classifier.classify("not an outage, just a billing question");
    expect(r.topic).toBe("billing");
    expect(topicOf("this isn't a billing issue, the internet is down")).toBe("outage");
    expect(topicOf("not slow, it's completely down")).toBe("outage");
  });

  it("does not treat 'no' as a negation", () => {
    expect(topicOf("no power since 6am")).toBe("outage");
    expect(topicOf("No internet again")).toBe("outage");
    expect(topicOf("no signal anywhere downtown")).toBe("outage");
  });

  it("treats 'not' after can/do/will/have as a failure, not a denial", () => {
    expect(topicOf("I can't log in")).toBe("app-login");
    expect(topicOf("didn't get my refund")).toBe("billing");
    expect(topicOf("power has not been restored")).toBe("outage");
  });

  it("reads 'isn't working' by its subject", () => {
    expect(topicOf("my internet isn't working")).toBe("outage");
    expect(topicOf("the app isn't working")).toBe("app-login");
    expect(topicOf("website not working")).toBe("app-login");
  });

  it("weighs restoration against an outage, unless it is hypothetical or denied", () => {
    expect(topicOf("power is back, thanks!")).toBe("other");
    expect(topicOf("internet is back up, thanks for the quick fix")).toBe("other");
    expect(smallTopic("power out all night but power is back now")).toBe("other");
    expect(topicOf("when will power be back? no power since noon")).toBe("outage");
    expect(topicOf("power still not back")).toBe("outage");
  });
});

describe("decision", () => {
  it("falls back to other with score 0 when nothing matches", () => {
    for (const text of ["Happy Friday everyone", "", "   ", "🙂"]) {
      expect(classifier.classify(text)).toEqual({ topic: "other", score: 0, matched: [] });
    }
  });

  it("uses the configured fallback", () => {
    const c = buildClassifier(tiny, { fallback: "unsorted" });
    expect(c.classify("hello").topic).toBe("unsorted");
  });

  it("lets a hazard outrank the outage it caused", () => {
    expect(topicOf("sparks coming from the transformer and now the power is out")).toBe("safety");
    expect(topicOf("smell gas near the school")).toBe("safety");
  });

  it("scores confidence in 0..1, higher with more and less contested evidence", () => {
    const one = classifier.classify("outage");
    const two = classifier.classify("power outage, no internet either");
    const contested = classifier.classify("the app is slow");
    for (const r of [one, two, contested]) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
    expect(two.score).toBeGreaterThan(one.score);
    expect(contested.score).toBeLessThan(one.score);
  });

  it("reports the matched keywords as written in the taxonomy", () => {
    expect(classifier.classify("Charged twice AND a late fee?!").matched).toEqual(
      expect.arrayContaining(["charged twice", "late fee"]),
    );
  });

  it("counts a repeated keyword once", () => {
    expect(small.classify("bill bill bill").score).toBe(small.classify("bill").score);
  });

  it("explains every topic's evidence", () => {
    const ev = classifier.explain("not an outage, just a billing question");
    expect(ev.find((e) => e.slug === "outage")!.denied).toContain("outage");
    expect(ev.find((e) => e.slug === "billing")!.evidence).toBeGreaterThan(0);
  });
});

describe("editing the taxonomy", () => {
  it("picks up a new topic with keywords once the classifier is rebuilt", () => {
    const text = "my smart thermostat lost its schedule again";
    expect(topicOf(text)).not.toBe("thermostat");
    const edited = [
      ...DEFAULT_TAXONOMY,
      { slug: "thermostat", label: "Thermostat", keywords: ["smart thermostat", "thermostat"] },
    ];
    const rebuilt = buildClassifier(edited);
    expect(rebuilt.classify(text).topic).toBe("thermostat");
    expect(rebuilt.classify(text).matched).toContain("smart thermostat");
    expect(rebuilt.classify("#thermostatfail").topic).toBe("thermostat");
  });

  it("understands alternatives in keywords and counts such a keyword once", () => {
    const c = buildClassifier([
      { slug: "water", label: "Water", keywords: ["(no|without) (water|supply)", "(low|weak) pressure"] },
      { slug: "other", label: "Other", keywords: [] },
    ]);
    expect(c.classify("we have no water since 7").topic).toBe("water");
    expect(c.classify("without supply all day").topic).toBe("water");
    expect(c.classify("no water, no supply").score).toBe(c.classify("no water").score);
    expect(c.classify("weak pressure").matched).toEqual(["weak pressure"]);
  });

  it("validates keywords before a rebuild", () => {
    expect(keywordProblem("power out")).toBeNull();
    expect(keywordProblem("-(power|lights) back")).toBeNull();
    expect(keywordProblem("   ")).toBe("is empty");
    expect(keywordProblem("(power|lights back")).toMatch(/unbalanced/);
    expect(keywordProblem("!!!")).toMatch(/no words/);
    expect(() => buildClassifier([{ slug: "x", label: "X", keywords: ["(a|b"] }])).toThrow(/unbalanced/);
    for (const t of DEFAULT_TAXONOMY) for (const k of t.keywords) expect(keywordProblem(k), k).toBeNull();
  });

  it("drops a removed keyword", () => {
    const withoutBill = tiny.map((t) => (t.slug === "billing" ? { ...t, keywords: ["refund"] } : t));
    expect(buildClassifier(withoutBill).classify("bill is wrong").topic).toBe("other");
  });

  it("honours an explicit priority", () => {
    const text = "refund my app purchase";
    const favourApp = tiny.map((t) => (t.slug === "app-login" ? { ...t, priority: 3 } : t));
    expect(smallTopic(text)).toBe("billing");
    expect(buildClassifier(favourApp).classify(text).topic).toBe("app-login");
  });
});
