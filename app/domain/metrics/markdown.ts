import { VERDICT_LABELS } from "./inbound";
import { CATEGORY_LABELS, type IncidentReport } from "./report";
import { formatMinutes, formatPercent, formatUtc, minutesBetween } from "./stats";
import { PURPOSE_LABELS } from "./summaries";

/**
 * The report as Markdown (the export): the same sections as the page, in tables. Everything people
 * wrote (titles, update texts, timeline messages) is escaped, so a title cannot become a link, HTML or a
 * broken table.
 */

/** Escape Markdown and inline HTML; a table cell also loses its line breaks. */
export function mdText(text: string, cell = false): string {
  const escaped = text.replace(/[\\`*_[\]<>|#!~]/g, (c) => `\\${c}`);
  return cell ? escaped.replace(/\r?\n/g, " ") : escaped;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const pct = formatPercent;
const mins = formatMinutes;
const time = (ms: number | null) => formatUtc(ms);
const hhmm = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString().slice(11, 16));
const num = (n: number | null, digits = 2) => (n === null ? "—" : String(Number(n.toFixed(digits))));

export function reportMarkdown(r: IncidentReport): string {
  const { incident: i, metrics: m } = r;
  const out: string[] = [];
  out.push(`# Post-incident comms report: #${i.id} ${mdText(i.title)}`);
  out.push(
    [
      `${i.severity} · ${i.state} · regions ${i.regions.join(", ") || "—"} · topics ${i.topics.join(", ") || "any"}` +
        ` · commander ${i.commander ? mdText(i.commander) : "—"}`,
      `Started ${time(i.startedAt)} · opened ${time(i.openedAt)} · resolved ${time(i.resolvedAt)}`,
      `Measured at ${time(m.generatedAt)}. Times are UTC.`,
    ].join("  \n"),
  );
  if (i.summary) out.push(`> ${mdText(i.summary).replace(/\r?\n/g, "\n> ")}`);

  const s = m.speed;
  out.push("## How fast we spoke");
  out.push(
    table(
      ["Moment", "When", "Since the first spike", "Since detection"],
      [
        ["First spike began", time(s.firstSpikeAt), "—", "—"],
        [
          "Spike detected",
          time(s.firstDetectedAt),
          mins(minutesBetween(s.firstSpikeAt, s.firstDetectedAt)),
          "—",
        ],
        ["Incident opened", time(s.openedAt), mins(s.spikeToOpenMinutes), mins(s.detectionToOpenMinutes)],
        [
          "First public update",
          time(s.firstUpdateAt),
          mins(s.spikeToFirstUpdateMinutes),
          mins(s.detectionToFirstUpdateMinutes),
        ],
      ],
    ),
  );
  out.push(
    s.firstUpdateAt === null
      ? s.silentMinutes === null
        ? "Nothing was published."
        : `Nothing published yet: ${mins(s.silentMinutes)} of public silence since the ${s.reference === "spike" ? "first spike" : "incident began"}.`
      : `First public update ${mins(s.timeToFirstUpdateMinutes)} after the ${s.reference === "spike" ? "first spike began" : "incident began"}, ${mins(s.openToFirstUpdateMinutes)} after it was opened.`,
  );

  const c = m.cadence;
  out.push(`## Promises kept: ${c.kept} of ${c.judged} (${pct(c.keptShare)})`);
  out.push(
    c.promises.length === 0
      ? "No update promised a next one."
      : table(
          ["Update", "Published", "Promised next by", "Next went out", "Result"],
          c.promises.map((p) => [
            `#${p.number}`,
            hhmm(p.publishedAt),
            hhmm(p.promisedAt),
            p.followedAt === null ? "—" : `${hhmm(p.followedAt)} (#${p.followedBy})`,
            p.status === "kept"
              ? `kept${p.lateMinutes !== null && p.lateMinutes < 0 ? ` (${mins(-p.lateMinutes)} early)` : ""}`
              : p.status === "missed"
                ? `missed by ${mins(p.lateMinutes)}`
                : p.status === "overdue"
                  ? `overdue by ${mins(p.lateMinutes)} (no update yet)`
                  : p.status === "pending"
                    ? "not due yet"
                    : "resolved before it was due",
          ]),
        ),
  );

  const cov = m.coverage;
  out.push(
    `## Did we answer people? ${pct(cov.overall.coverage)} of ${cov.overall.complaints} complaints answered; median time to first reply ${mins(cov.overall.medianFirstReplyMinutes)}`,
  );
  const covTable = (label: string, rows: typeof cov.byRegion) =>
    table(
      [label, "Complaints", "Answered", "Coverage", "Median first reply"],
      rows.map((g) => [
        mdText(g.key, true),
        String(g.complaints),
        String(g.answered),
        pct(g.coverage),
        mins(g.medianFirstReplyMinutes),
      ]),
    );
  if (cov.byRegion.length) out.push("### By region", covTable("Region", cov.byRegion));
  if (cov.bySource.length) out.push("### By source", covTable("Source", cov.bySource));

  const w = m.inbound.windowMinutes;
  out.push(
    `## Did updates reduce inbound? (${w} min before / ${w} min after each update, in the affected cells)`,
  );
  out.push(
    m.inbound.effects.length === 0
      ? "No update was published."
      : table(
          [
            "Update",
            "Before",
            "After",
            "After ÷ before",
            "Usual before → after",
            "Excess change",
            "Sentiment before → after",
            "Verdict",
          ],
          m.inbound.effects.map((e) => [
            `#${e.number} ${hhmm(e.publishedAt)}`,
            String(e.before.complaints),
            String(e.after.complaints),
            num(e.ratio),
            e.seasonalWeeks
              ? `${num(e.before.expected, 1)} → ${num(e.after.expected, 1)} (${e.seasonalWeeks} wk)`
              : "no history",
            e.excessChange === null ? "—" : pct(e.excessChange),
            `${num(e.before.sentiment)} → ${num(e.after.sentiment)}`,
            `${VERDICT_LABELS[e.verdict]}${e.overlapsNext ? " (next update inside the window)" : ""}`,
          ]),
        ),
  );

  out.push("## Where each copy landed");
  out.push(
    m.delivery.channels.length === 0
      ? "Nothing was delivered."
      : table(
          ["What", "Channel", "Sent", "Failed", "Unknown", "Pending", "Success", "Median time to send"],
          m.delivery.channels.map((d) => [
            PURPOSE_LABELS[d.purpose],
            mdText(d.channel, true),
            String(d.sent),
            String(d.failed),
            String(d.unknown),
            String(d.pending),
            pct(d.successRate),
            d.medianLatencySeconds === null ? "—" : `${num(d.medianLatencySeconds, 1)} s`,
          ]),
        ),
  );
  out.push(`Subscribers reached: ${m.delivery.subscribersReached}.`);

  out.push("## Published updates");
  if (r.updates.length === 0) out.push("None.");
  for (const u of r.updates) {
    const by = [
      u.author ? `by ${mdText(u.author)}` : null,
      u.approver ? `approved by ${mdText(u.approver)}` : null,
    ]
      .filter(Boolean)
      .join(", ");
    out.push(
      `### #${u.number} ${mdText(u.title)} (${u.kind}) — ${time(u.publishedAt)}${by ? `, ${by}` : ""}`,
    );
    out.push(`> ${mdText(u.body).replace(/\r?\n/g, "\n> ")}`);
  }

  out.push("## Timeline");
  out.push(
    table(
      ["Time (UTC)", "What", "Event", "Who"],
      r.timeline.entries.map((e) => [
        time(e.at).replace(" UTC", ""),
        CATEGORY_LABELS[e.category],
        mdText(e.message, true),
        e.actor ? mdText(e.actor, true) : "—",
      ]),
    ),
  );
  if (r.timeline.total > r.timeline.entries.length)
    out.push(`(${r.timeline.total - r.timeline.entries.length} later events not shown.)`);
  return `${out.join("\n\n")}\n`;
}
