import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { unsubscribe } from "~/services/subscribers.server";
import { apiError, handleApi } from "~/utils/api.server";
import { publicContext } from "~/utils/public-context.server";

/**
 * The `unsubscribeUrl` of every email (List-Unsubscribe). A click (GET) opens the management page with
 * the unsubscribe button first; an RFC 8058 one-click POST from a mail client unsubscribes at once. The
 * token is the only credential (under /api, so the same-origin form guard does not apply).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return redirect(`/status/subscription?token=${encodeURIComponent(token)}&unsubscribe=1`, 303);
}

export async function action({ request, context }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") return apiError(405, "Use POST on this endpoint.", {}, { Allow: "POST" });
    await unsubscribe(publicContext(context), new URL(request.url).searchParams.get("token"));
    return Response.json({ unsubscribed: true });
  });
}
