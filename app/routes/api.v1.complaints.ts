import type { ActionFunctionArgs } from "@remix-run/node";
import { parseIntakeBody } from "~/domain/intake/body";
import { MalformedJsonError } from "~/domain/intake/json-array";
import { API_BODY_LIMITS, IntakeLimitError } from "~/domain/intake/limits";
import { intakeContext, publishIntake } from "~/services/enrichment.server";
import { type IntakeItem, ingest } from "~/services/intake.server";
import { apiError, bodyChunks, handleApi, methodNotAllowed } from "~/utils/api.server";
import { requireApiToken } from "~/utils/auth.server";

export async function loader({ request, context }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    await requireApiToken(request, context);
    return methodNotAllowed("POST");
  });
}

/**
 * POST /api/v1/complaints — a JSON array or NDJSON body of complaint records (★ contract), at most
 * 50,000 records or 10 MB. Answers with the import summary. The whole body is read and parsed before
 * anything is stored, so a body over a limit (413) or malformed JSON (400) stores nothing.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  return handleApi(request, async () => {
    const caller = await requireApiToken(request, context);
    if (request.method !== "POST") return methodNotAllowed("POST");
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > API_BODY_LIMITS.maxBytes) {
      return apiError(
        413,
        `Body too large: at most ${API_BODY_LIMITS.maxBytes.toLocaleString("en-US")} bytes per request.`,
      );
    }
    const items: IntakeItem[] = [];
    try {
      for await (const item of parseIntakeBody(bodyChunks(request), {
        contentType: request.headers.get("content-type"),
      })) {
        items.push(item);
      }
    } catch (error) {
      if (error instanceof IntakeLimitError)
        return apiError(413, `${error.message}. Split the upload into smaller requests.`);
      if (error instanceof MalformedJsonError) {
        return apiError(400, `Body is not valid JSON: ${error.message}. Nothing was stored.`, {
          position: error.position,
          line: error.line,
          column: error.column,
        });
      }
      throw error;
    }
    if (items.length === 0) return apiError(400, "The body holds no complaint records.");
    const ctx = await intakeContext(caller.services);
    const summary = await ingest(ctx, items, { onCommitted: publishIntake(caller.services) });
    const status = summary.accepted === 0 && summary.duplicates === 0 && summary.rejected > 0 ? 422 : 200;
    return Response.json(summary, { status });
  });
}
