import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { recordBounce } from "~/services/subscriber-signals.server";
import { apiError, handleApi, methodNotAllowed } from "~/utils/api.server";
import { requireApiToken } from "~/utils/auth.server";
import { fieldErrors } from "~/utils/errors";
import { SUBSCRIBER_KINDS } from "~db/schema/enums";

const bounceSchema = z.object({
  kind: z.enum(SUBSCRIBER_KINDS).default("email"),
  address: z.string().trim().min(1).max(2000),
  type: z.enum(["hard", "soft", "complaint"], { message: "type is hard, soft or complaint" }),
});
const bodySchema = z.union([bounceSchema, z.array(bounceSchema).max(1000)]);

export async function loader({ request, context }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    await requireApiToken(request, context);
    return methodNotAllowed("POST");
  });
}

/**
 * Bounces and complaints from the email provider (or any channel), bearer token: `{kind?, address,
 * type: hard|soft|complaint}` or an array of them. A hard bounce or a complaint makes the subscriber
 * inactive at once, three soft bounces too. Answers how many subscribers matched.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    const caller = await requireApiToken(request, context);
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return apiError(400, "The body is not valid JSON.");
    }
    const parsed = bodySchema.safeParse(body);
    if (!parsed.success)
      return apiError(400, "Invalid bounce report.", { fields: fieldErrors(parsed.error.issues) });
    let matched = 0;
    for (const bounce of [parsed.data].flat()) {
      matched += await recordBounce(caller.services.db, caller.orgId, bounce);
    }
    return Response.json({ matched });
  });
}
