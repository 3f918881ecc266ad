import type { ActionFunctionArgs } from "@remix-run/node";
import { twilioSignature } from "~/domain/status/twilio";
import { recordSmsReply, smsWebhookKey } from "~/services/subscriber-signals.server";
import { apiError, handleApi, methodNotAllowed } from "~/utils/api.server";
import { safeEqual } from "~/utils/crypto.server";
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
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(await request.text())) params[k] = v;
    const url = new URL(request.url);
    const signed = `${publicBaseUrl(services.env, request)}${url.pathname}${url.search}`;
    const given = request.headers.get("X-Twilio-Signature") ?? "";
    if (!given || !safeEqual(given, twilioSignature(key, signed, params))) {
      return apiError(403, "Invalid X-Twilio-Signature.");
    }
    await recordSmsReply(services.db, services.orgId, { from: params.From ?? "", body: params.Body ?? "" });
    return new Response("<Response></Response>", { headers: { "Content-Type": "text/xml" } });
  });
}
