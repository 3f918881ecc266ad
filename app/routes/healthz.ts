import type { LoaderFunctionArgs } from "@remix-run/node";

/** Liveness for load balancers: 200 when the database answers, 503 otherwise. No auth, no secrets. */
export async function loader({ context }: LoaderFunctionArgs) {
  const headers = { "Cache-Control": "no-store" };
  if (!context.services) {
    return Response.json(
      { status: "unavailable", database: "unreachable", reason: context.unavailableReason },
      { status: 503, headers },
    );
  }
  try {
    await Promise.race([
      context.services.database.ping(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error("database did not answer within 3s")), 3000),
      ),
    ]);
    return Response.json({ status: "ok", database: context.services.database.driver }, { headers });
  } catch (error) {
    return Response.json(
      { status: "unavailable", database: "unreachable", reason: (error as Error).message },
      { status: 503, headers },
    );
  }
}
