import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every route module's loader and action must run the one permission check (`requirePermission`) or the
 * API token check (`requireApiToken`), except these public routes, each for a stated reason.
 */
const PUBLIC_ROUTES: Record<string, string> = {
  "_index.tsx": "redirects to sign-in or the console",
  "signin.tsx": "the sign-in form itself",
  "signout.tsx": "ends whatever session the cookie names",
  "healthz.ts": "load balancer health check, no data",
  "status.tsx": "the public status pages' frame (no data)",
  "status._index.tsx": "the public status page shows published updates only",
  "status.incidents.$id.tsx": "one incident's published updates only (404 until one is published)",
  "status.feed[.]atom.ts": "public feed of published updates and maintenance",
  "status.feed[.]rss.ts": "public feed of published updates and maintenance",
  "status.feed[.]json.ts": "public feed of published updates and maintenance",
  "status.regions[.]json.ts": "region outlines for the public map (reference data)",
  "status.report.tsx": "report a problem: public, rate-limited per IP address and ZIP code",
  "status.subscribe.tsx": "subscribing is public; double opt-in, rate-limited per IP address and address",
  "status.confirm.tsx": "the confirmation token from the message is the credential",
  "status.subscription.tsx": "the management token from every message is the credential",
  "api.v1.unsubscribe.ts": "the management token in the email's List-Unsubscribe link is the credential",
  "api.v1.sms.inbound.ts": "Twilio-signed with the SMS channel's auth token (X-Twilio-Signature)",
};

const dir = join(process.cwd(), "app/routes");
const modules = readdirSync(dir).filter((f) => /\.(ts|tsx)$/.test(f) && !f.includes(".test."));

describe("route guards", () => {
  it("finds the route modules", () => {
    expect(modules.length).toBeGreaterThan(5);
  });

  for (const file of modules) {
    const source = readFileSync(join(dir, file), "utf8");
    const handlers = ["loader", "action"].filter((h) =>
      new RegExp(`export (async )?function ${h}\\b`).test(source),
    );
    if (handlers.length === 0) continue;
    it(`${file} checks permissions in ${handlers.join(" and ")}`, () => {
      if (PUBLIC_ROUTES[file]) return;
      for (const handler of handlers) {
        const body = source
          .split(new RegExp(`export (?:async )?function ${handler}\\b`))[1]
          .split(/\nexport /)[0];
        expect(body, `${file} ${handler}`).toMatch(
          /require(Permission|AnyPermission|ApiToken|WebhookSource)\(/,
        );
      }
    });
  }
});
