import { VolumeChart } from "~/components/volume-chart";
import type { RoomPanelProps } from "./types";

/** Complaint volume by topic over the incident's regions, against the earlier weeks' range. */
export function VolumePanel({ room }: RoomPanelProps) {
  return (
    <section className="panel">
      <h2>Complaint volume by topic</h2>
      <VolumeChart
        series={room.chart.series}
        topics={room.chart.topics}
        baseline={room.chart.baseline}
        markers={room.chart.markers}
      />
    </section>
  );
}
