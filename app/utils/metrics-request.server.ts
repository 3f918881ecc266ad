import { parseWindowMinutes } from "~/domain/metrics/inbound";
import { isAppError } from "./errors";

/**
 * Request helpers of the metrics and report routes: the incident id from the path (404 when it is not
 * one), the before/after window from the query (400 with the allowed values), and a service's
 * NotFoundError as a 404 answer. They throw a Response (JSON `{ error }`), not `data()`: with single fetch
 * a resource route passes a thrown `data()` on as an unexpected error (500), while a thrown Response is
 * the answer in resource and document routes alike.
 */

function refusal(error: string, status: number): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

export function incidentIdParam(params: { id?: string }): number {
  const id = Number(params.id);
  if (!/^\d+$/.test(params.id ?? "") || !Number.isSafeInteger(id) || id <= 0)
    throw refusal(`There is no incident “${String(params.id).slice(0, 40)}”.`, 404);
  return id;
}

export function windowParam(url: URL): number {
  const parsed = parseWindowMinutes(url.searchParams.get("window"));
  if (!parsed.ok) throw refusal(parsed.error, 400);
  return parsed.minutes;
}

export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isAppError(error) && error.status === 404) throw refusal(error.message, 404);
    throw error;
  }
}
