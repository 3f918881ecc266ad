import { minutesBetween } from "./stats";

/**
 * How fast we spoke: from the first spike (the earliest linked cluster: when complaints started rising,
 * and when the detector flagged it) to the incident being opened and to the first public update.
 */

export interface SpeedInput {
  /** The earliest linked spike cluster (by its start), if any. */
  firstSpike: { startedAt: number; detectedAt: number } | null;
  /** The incident's own start (the spike's start when opened from one; else when it was opened). */
  incidentStartedAt: number;
  /** When the incident record was created (opened in Clarion). */
  openedAt: number;
  /** The first published update, if any. */
  firstUpdateAt: number | null;
  resolvedAt: number | null;
  now: number;
}

export interface Speed {
  /** What the clock starts from: the first spike's start, else the incident's start. */
  reference: "spike" | "incident_start";
  firstSignalAt: number;
  firstSpikeAt: number | null;
  firstDetectedAt: number | null;
  openedAt: number;
  firstUpdateAt: number | null;
  /** Minutes; negative when the incident was opened before the spike began or was detected. */
  spikeToOpenMinutes: number | null;
  detectionToOpenMinutes: number | null;
  spikeToFirstUpdateMinutes: number | null;
  detectionToFirstUpdateMinutes: number | null;
  openToFirstUpdateMinutes: number | null;
  /** From the first signal to the first update: the headline "time to first update". */
  timeToFirstUpdateMinutes: number | null;
  /** Nothing published yet on an open incident: minutes of public silence so far (live). */
  silentMinutes: number | null;
}

export function speed(input: SpeedInput): Speed {
  const spike = input.firstSpike;
  const firstSignalAt = spike ? spike.startedAt : input.incidentStartedAt;
  const first = input.firstUpdateAt;
  const open = input.resolvedAt === null;
  return {
    reference: spike ? "spike" : "incident_start",
    firstSignalAt,
    firstSpikeAt: spike?.startedAt ?? null,
    firstDetectedAt: spike?.detectedAt ?? null,
    openedAt: input.openedAt,
    firstUpdateAt: first,
    spikeToOpenMinutes: spike ? minutesBetween(spike.startedAt, input.openedAt) : null,
    detectionToOpenMinutes: spike ? minutesBetween(spike.detectedAt, input.openedAt) : null,
    spikeToFirstUpdateMinutes: spike ? minutesBetween(spike.startedAt, first) : null,
    detectionToFirstUpdateMinutes: spike ? minutesBetween(spike.detectedAt, first) : null,
    openToFirstUpdateMinutes: minutesBetween(input.openedAt, first),
    timeToFirstUpdateMinutes: minutesBetween(firstSignalAt, first),
    silentMinutes: first === null && open ? minutesBetween(firstSignalAt, input.now) : null,
  };
}
