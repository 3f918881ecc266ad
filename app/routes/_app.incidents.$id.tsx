import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { links as mapLinks } from "~/components/outage-map";
import { StreamPanel } from "~/components/room/complaint-stream";
import { CoveragePanel } from "~/components/room/coverage-panel";
import { ActionResult, RoomHeader } from "~/components/room/header";
import { MapPanel } from "~/components/room/map-panel";
import { MetricsPanel } from "~/components/room/metrics-panel";
import { ReplyQueuePanel } from "~/components/room/reply-queue-panel";
import { SpikesPanel } from "~/components/room/spikes-panel";
import { StateControls } from "~/components/room/state-controls";
import { TimelinePanel } from "~/components/room/timeline-panel";
import type { RoomPanel, RoomPanelProps } from "~/components/room/types";
import { RoomUpdatesPanel } from "~/components/room/updates-panel";
import { VolumePanel } from "~/components/room/volume-panel";
import { can, type Permission } from "~/domain/permissions";
import { useLiveRevalidation } from "~/hooks/use-live";
import { loadComms } from "~/services/comms-room.server";
import { loadRoom, parseStreamFilter } from "~/services/room.server";
import { requireAnyPermission, requirePermission } from "~/utils/auth.server";
import { isAppError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";
import { roomIntent } from "~/utils/room-intents.server";

export const links = () => [...mapLinks()];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `#${data.room.incident.id} ${data.room.incident.title} · Clarion` : "Incident · Clarion" },
];

function incidentId(params: { id?: string }): number {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw data({ error: `There is no incident “${params.id}”.` }, { status: 404 });
  return id;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "console.read");
  const id = incidentId(params);
  const filter = parseStreamFilter(new URL(request.url).searchParams);
  try {
    const [room, comms] = await Promise.all([
      loadRoom(services.db, services.orgId, id, filter),
      loadComms(services.db, services.orgId, id, services.publicUrl()),
    ]);
    const allowed = (p: Permission) => can(user.role, p);
    return {
      room,
      comms,
      meId: user.id,
      filter,
      mapboxToken: services.env.MAPBOX_ACCESS_TOKEN ?? null,
      may: {
        manage: allowed("incident.manage"),
        triage: allowed("spike.triage"),
        reply: allowed("reply.send"),
        note: allowed("incident.manage") || allowed("update.draft"),
        draft: allowed("update.draft"),
        approve: allowed("update.approve"),
        publish: allowed("update.publish"),
        pause: allowed("publishing.pause"),
        comment: allowed("update.draft") || allowed("update.approve") || allowed("incident.manage"),
      },
    };
  } catch (error) {
    if (isAppError(error) && error.status === 404) throw data({ error: error.message }, { status: 404 });
    throw error;
  }
}

/** Every room form posts an `intent`; its verb (app/utils/room-intents.server.ts) says who may and does it. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await formObject(request);
  const intent = String(form.intent ?? "");
  const verb = roomIntent(intent);
  if (!verb) {
    await requirePermission(request, context, "console.read");
    return data({ intent, error: "Unknown action: reload the page and try again." }, { status: 400 });
  }
  const { user, services } = Array.isArray(verb.permission)
    ? await requireAnyPermission(request, context, verb.permission)
    : await requirePermission(request, context, verb.permission);
  const id = incidentId(params);
  const actor = { kind: "user" as const, userId: user.id, ip: context.clientIp };
  try {
    const ok = await verb.run({ db: services.db, orgId: services.orgId, incidentId: id, actor, form });
    return { intent, ok };
  } catch (error) {
    if (isAppError(error)) {
      const fields = "fields" in error ? (error as { fields: Record<string, string> }).fields : {};
      const detail = Object.values(fields).join("; ");
      return data(
        { intent, error: detail ? `${error.message}: ${detail}` : error.message },
        { status: error.status },
      );
    }
    throw error;
  }
}

/**
 * The room's grid: its panels, per column, in order. A new panel (the status update composer, say) is a
 * component in app/components/room taking RoomPanelProps, and one more entry here.
 */
const PANELS: RoomPanel[] = [
  { id: "map", column: "main", Panel: MapPanel },
  { id: "volume", column: "main", Panel: VolumePanel },
  { id: "updates", column: "main", Panel: RoomUpdatesPanel },
  { id: "stream", column: "main", Panel: StreamPanel },
  { id: "spikes", column: "side", Panel: SpikesPanel },
  { id: "reply-queue", column: "side", Panel: ReplyQueuePanel },
  { id: "coverage", column: "side", Panel: CoveragePanel },
  { id: "metrics", column: "side", Panel: MetricsPanel },
  { id: "timeline", column: "side", Panel: TimelinePanel },
];

export default function IncidentRoom() {
  const { room, comms, meId, filter, may, mapboxToken } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { ok?: string; error?: string } | undefined;
  const { incident } = room;
  useLiveRevalidation(
    (e) =>
      (e.type === "incident" && (e.incidentId === incident.id || e.incidentId === 0)) ||
      e.type === "complaints" ||
      e.type === "spikes" ||
      e.type === "delivery",
  );
  const props: RoomPanelProps = { room, comms, meId, filter, may, mapboxToken };
  const column = (name: RoomPanel["column"]) =>
    PANELS.filter((p) => p.column === name).map(({ id, Panel }) => <Panel key={id} {...props} />);
  return (
    <div data-testid="incident-room">
      <RoomHeader room={room} />
      <ActionResult result={result} />
      <StateControls room={room} may={may} />
      <div className="room-grid">
        <div>{column("main")}</div>
        <div>{column("side")}</div>
      </div>
      <p>
        <Link to="/incidents">← All incidents</Link>
      </p>
    </div>
  );
}
