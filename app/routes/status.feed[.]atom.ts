import type { LoaderFunctionArgs } from "@remix-run/node";
import { feedResponse } from "~/utils/feed-route.server";

/** Public feed of published updates and maintenance (★ contract). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return feedResponse(request, context, "atom");
}
