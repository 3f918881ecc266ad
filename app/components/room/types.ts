import type { ComponentType } from "react";
import type { RoomComms } from "~/services/comms-room.server";
import type { Room, StreamFilter } from "~/services/room.server";

/** What the viewer's role lets them do in the room (the loader decides; forms show accordingly). */
export interface RoomPermissions {
  manage: boolean;
  triage: boolean;
  reply: boolean;
  note: boolean;
  /** Status updates: write, approve, settle deliveries, pause everything, discuss. */
  draft: boolean;
  approve: boolean;
  publish: boolean;
  pause: boolean;
  comment: boolean;
}

/** What every panel of the incident room receives: the loader's data, as the route got it. */
export interface RoomPanelProps {
  room: Room;
  /** The status updates of the incident, their deliveries, templates, channels and the kill switch. */
  comms: RoomComms;
  meId: number;
  filter: StreamFilter;
  may: RoomPermissions;
  mapboxToken: string | null;
}

/** One panel of the room's grid: the route lists them, per column, in order. */
export interface RoomPanel {
  id: string;
  column: "main" | "side";
  Panel: ComponentType<RoomPanelProps>;
}
