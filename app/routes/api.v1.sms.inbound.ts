import type { ActionFunctionArgs } from "@remix-run/node";
import { parseTwilioInbound } from "~/channels/twilio-inbound.server";
import { recordSmsReply, smsWebhookKey } from "~/services/subscriber-signals.server";
import { apiError, handleApi, methodNotAllowed } from "~/utils/api.server";
import { publicBaseUrl } from "~/utils/public-url.server";
import { servicesOf } from "~/utils/request.server";

export async function loader() {
  return methodNotAllowed("POST");
}

/**
 * Inbound SMS (Twilio's messaging webhook): STOP and the other opt-out words make the number inactive,
 * START resumes it. Signed with the SMS channel's auth token (X-Twilio-Signature over the public URL).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    const services = servicesOf(context);
    const key = await smsWebhookKey(services.db, services.secretBox, services.orgId);
    if (!key) return apiError(404, "No SMS channel is configured.");
    const url = new URL(request.url);
    const inbound = parseTwilioInbound({
      authToken: key,
      url: `${publicBaseUrl(services.env, request)}${url.pathname}${url.search}`,
      body: await request.text(),
      signature: request.headers.get("X-Twilio-Signature"),
    });
    if (!inbound.ok) return apiError(inbound.status, inbound.reason);
    await recordSmsReply(services.db, services.orgId, inbound.message);
    return new Response("<Response></Response>", { headers: { "Content-Type": "text/xml" } });
  });
}
