import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { complaintStream, parseStreamFilter } from "~/services/room.server";
import { requirePermission } from "~/utils/auth.server";

/** A further page of an incident's complaint stream (keyset pagination, same filters as the room). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw data({ error: "No such incident" }, { status: 404 });
  return complaintStream(
    services.db,
    services.orgId,
    id,
    parseStreamFilter(new URL(request.url).searchParams),
  );
}
