import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/utils/auth.server";

const HEARTBEAT_MS = 15_000;

/**
 * GET /events — Server-Sent Events for open pages: small pointers (what changed, which incident), never
 * data; the page re-reads through its own loader and permission checks. Fed by Postgres LISTEN/NOTIFY
 * (so every app process hears every change); EventSource reconnects by itself after a drop.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      send(`retry: 3000\nevent: hello\ndata: ${JSON.stringify({ mode: services.events.mode })}\n\n`);
      const unsubscribe = services.events.subscribe((event) => {
        send(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      request.signal.addEventListener("abort", () => cleanup(), { once: true });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform keeps the compression middleware from buffering the stream.
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
