import type { ActionFunctionArgs } from "@remix-run/node";
import { API_BODY_LIMITS } from "~/domain/intake/limits";
import { mapPayload } from "~/domain/intake/mappers";
import { describeJsonError } from "~/domain/intake/ndjson";
import { intakeContext, publishIntake } from "~/services/enrichment.server";
import { ingest } from "~/services/intake.server";
import { acceptWebhook, recordSourceError, releaseWebhook } from "~/services/sources.server";
import { apiError, handleApi, methodNotAllowed } from "~/utils/api.server";
import { requireWebhookSource } from "~/utils/auth.server";

export async function loader({ request, context }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    requireWebhookSource(context);
    return methodNotAllowed("POST");
  });
}

/**
 * POST /api/v1/sources/:id/webhook — signed per Standard Webhooks with the source's own secret (5-minute
 * tolerance, each webhook-id accepted once), mapped from the source's payload format to complaint records,
 * then the one intake path. Answers with the import summary plus `ignored` (non-complaint events).
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    const services = requireWebhookSource(context);
    if (request.method !== "POST") return methodNotAllowed("POST");
    const sourceId = Number(params.id);
    if (!Number.isSafeInteger(sourceId) || sourceId <= 0)
      return apiError(404, `Unknown source ${params.id}.`);
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > API_BODY_LIMITS.maxBytes) return apiError(413, "Webhook body too large (10 MB at most).");
    const buffer = await request.arrayBuffer();
    if (buffer.byteLength > API_BODY_LIMITS.maxBytes)
      return apiError(413, "Webhook body too large (10 MB at most).");
    const body = new TextDecoder().decode(buffer);

    const source = await acceptWebhook(
      services.db,
      services.secretBox,
      services.orgId,
      sourceId,
      body,
      request.headers,
    );
    const webhookId = request.headers.get("webhook-id")!;
    try {
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch (error) {
        const message = `Body is not valid JSON: ${describeJsonError(body, error)}`;
        await recordSourceError(services.db, services.orgId, source.id, message);
        return apiError(400, message);
      }
      const mapped = mapPayload(source.mapper, payload, { source: source.name });
      const ctx = await intakeContext(services);
      const summary = await ingest(
        ctx,
        mapped.records.map((value, i) => ({ index: mapped.indices[i], value })),
        { sourceId: source.id, onCommitted: publishIntake(services) },
      );
      const errors = [...mapped.errors, ...summary.errors].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      if (mapped.errors.length > 0) {
        await recordSourceError(
          services.db,
          services.orgId,
          source.id,
          `item ${mapped.errors[0].index}: ${mapped.errors[0].message}`,
        );
      }
      return Response.json({
        accepted: summary.accepted,
        duplicates: summary.duplicates,
        rejected: summary.rejected + mapped.errors.length,
        ignored: mapped.ignored,
        errors,
      });
    } catch (error) {
      await releaseWebhook(services.db, source.id, webhookId).catch(() => {});
      throw error;
    }
  });
}
