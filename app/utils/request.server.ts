import { type AppLoadContext, data } from "@remix-run/node";
import type { AppServices } from "~/context";

/** The app's services, or a 503 answer while the database is unreachable. */
export function servicesOf(context: AppLoadContext): AppServices {
  if (!context.services) {
    throw data(
      {
        error: `Clarion cannot reach its database${context.unavailableReason ? `: ${context.unavailableReason}` : ""}. It retries every few seconds.`,
      },
      { status: 503, headers: { "Retry-After": "5" } },
    );
  }
  return context.services;
}

/** A same-site path to go back to after sign-in; anything else falls back to `/`. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (!to || typeof to !== "string") return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}

/** Form fields as a plain object for zod (repeated names become arrays). */
export async function formObject(request: Request): Promise<Record<string, string | string[]>> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return {};
  }
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string") continue;
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}
