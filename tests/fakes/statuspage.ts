import { randomBytes } from "node:crypto";
import { type FakeReply, type FakeRequest, HttpFake, header, parseJson, type Trouble } from "./http-fake";

/**
 * Atlassian Statuspage REST API v1 (https://developer.statuspage.io/ — "Authentication", "Create an
 * incident", "Update an incident", "Get a page"; rate limits: 1 request/s per token, answered with
 * 420 — kept after the announced move to 429 — and Retry-After, see
 * https://community.atlassian.com/t5/Statuspage-articles/Upcoming-rate-limiting-changes-to-Statuspage-REST-API/ba-p/1455362).
 * `Authorization: OAuth <key>`; `POST /v1/pages/{page_id}/incidents` answers 201 with the incident
 * (id, shortlink, incident_updates newest first); `PATCH /v1/pages/{page_id}/incidents/{id}` adds an
 * incident update; errors are `{ "error": "…" }` or, for validation, `{ "error": ["…"] }`.
 */

const STATUSES = ["investigating", "identified", "monitoring", "resolved"];

export interface FakeIncident {
  id: string;
  page_id: string;
  name: string;
  status: string;
  impact: string;
  shortlink: string;
  created_at: string;
  updated_at: string;
  component_ids: string[];
  incident_updates: Array<{
    id: string;
    incident_id: string;
    status: string;
    body: string;
    created_at: string;
  }>;
}

const id = () => randomBytes(8).toString("hex").slice(0, 12);

export class StatuspageFake {
  readonly incidents = new Map<string, FakeIncident>();
  readonly pageId = "kctbh9vrtdwd";
  readonly apiKey = `sp-${randomBytes(16).toString("hex")}`;
  private readonly http: HttpFake;
  private clock = Date.parse("2026-11-20T10:00:00Z");

  constructor(private readonly rateLimitStatus: 420 | 429 = 420) {
    this.http = new HttpFake(
      (request) => this.handle(request),
      (trouble) => {
        switch (trouble.kind) {
          case "unavailable":
            return { status: 503, body: { error: "Service Unavailable" } };
          case "rateLimited":
            return {
              status: this.rateLimitStatus,
              headers: { "retry-after": String(trouble.retryAfterSeconds) },
              body: { error: "Rate limit exceeded" },
            };
          case "unauthorized":
            return { status: 401, body: { error: "Could not authenticate" } };
          case "reply":
            return trouble.reply;
        }
      },
    );
  }

  get baseUrl(): string {
    return `${this.http.url}/v1`;
  }
  get requests(): FakeRequest[] {
    return this.http.requests;
  }
  trouble(trouble: Trouble, times = 1): void {
    this.http.trouble(trouble, times);
  }
  async start(): Promise<this> {
    await this.http.start();
    return this;
  }
  close(): Promise<void> {
    return this.http.close();
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private handle(request: FakeRequest): FakeReply {
    if (header(request, "authorization") !== `OAuth ${this.apiKey}`)
      return { status: 401, body: { error: "Could not authenticate" } };
    const match = /^\/v1\/pages\/([^/]+)(?:\/incidents(?:\/([^/]+))?)?$/.exec(request.path);
    if (!match || match[1] !== this.pageId)
      return { status: 404, body: { error: "The requested resource could not be found." } };
    const [, , incidentId] = match;
    const isIncidents = request.path.includes("/incidents");
    if (!isIncidents && request.method === "GET") {
      return {
        status: 200,
        body: {
          id: this.pageId,
          name: "Clarion Power",
          subdomain: "clarionpower",
          url: "https://status.example.test",
        },
      };
    }
    if (isIncidents && !incidentId && request.method === "POST") return this.create(request);
    if (incidentId && request.method === "PATCH") return this.update(request, incidentId);
    return { status: 405, body: { error: "Method Not Allowed" } };
  }

  private incidentParams(request: FakeRequest): { params: Record<string, unknown> } | { refused: FakeReply } {
    if (!(header(request, "content-type") ?? "").startsWith("application/json"))
      return {
        refused: { status: 400, body: { error: "Content-Type must match the body (application/json)" } },
      };
    const incident = (parseJson(request.body) as { incident?: unknown } | undefined)?.incident;
    if (!incident || typeof incident !== "object")
      return {
        refused: { status: 400, body: { error: "param is missing or the value is empty: incident" } },
      };
    return { params: incident as Record<string, unknown> };
  }

  private create(request: FakeRequest): FakeReply {
    const parsed = this.incidentParams(request);
    if ("refused" in parsed) return parsed.refused;
    const p = parsed.params;
    const problems: string[] = [];
    if (typeof p.name !== "string" || !p.name.trim()) problems.push("Name can't be blank");
    const status = (p.status as string | undefined) ?? "investigating";
    if (!STATUSES.includes(status)) problems.push("Status is not included in the list");
    if (
      p.impact_override !== undefined &&
      !["none", "minor", "major", "critical"].includes(String(p.impact_override))
    )
      problems.push("Impact override is not included in the list");
    if (problems.length) return { status: 422, body: { error: problems } };
    const at = this.now();
    const incident: FakeIncident = {
      id: id(),
      page_id: this.pageId,
      name: p.name as string,
      status,
      impact: (p.impact_override as string | undefined) ?? "minor",
      shortlink: `https://stspg.io/${randomBytes(4).toString("hex")}`,
      created_at: at,
      updated_at: at,
      component_ids: Array.isArray(p.component_ids) ? (p.component_ids as string[]) : [],
      incident_updates: [],
    };
    incident.incident_updates.unshift({
      id: id(),
      incident_id: incident.id,
      status,
      body: String(p.body ?? ""),
      created_at: at,
    });
    this.incidents.set(incident.id, incident);
    return { status: 201, body: incident };
  }

  private update(request: FakeRequest, incidentId: string): FakeReply {
    const incident = this.incidents.get(incidentId);
    if (!incident) return { status: 404, body: { error: "The requested resource could not be found." } };
    const parsed = this.incidentParams(request);
    if ("refused" in parsed) return parsed.refused;
    const p = parsed.params;
    if (p.status !== undefined && !STATUSES.includes(String(p.status)))
      return { status: 422, body: { error: ["Status is not included in the list"] } };
    const at = this.now();
    if (typeof p.status === "string") incident.status = p.status;
    if (typeof p.name === "string") incident.name = p.name;
    incident.updated_at = at;
    if (p.body !== undefined || p.status !== undefined) {
      incident.incident_updates.unshift({
        id: id(),
        incident_id: incident.id,
        status: incident.status,
        body: String(p.body ?? ""),
        created_at: at,
      });
    }
    return { status: 200, body: incident };
  }
}
