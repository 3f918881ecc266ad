import { lt } from "drizzle-orm";
import type { AppServices } from "~/context";
import { pruneExpiredSessions } from "~/services/auth.server";
import { demoPastIncidentPlan, ensureDemoIncident, runDemoFeed } from "~/services/demo-feed.server";
import { ensureDemoPastIncident } from "~/services/demo-history.server";
import { detect } from "~/services/detection.server";
import { publishIntake } from "~/services/enrichment.server";
import { publishEvent } from "~/services/events.server";
import { followLinkedClusters, stampIncidentComplaints } from "~/services/incidents.server";
import { withJobLock } from "~/services/jobs.server";
import { runMaintenance } from "~/services/maintenance.server";
import { pruneRateLimits } from "~/services/rate-limit.server";
import { pruneWebhookReceipts } from "~/services/sources.server";
import { countTerms } from "~/services/terms.server";
import { log } from "~/utils/log.server";
import { countedAuthors } from "~db/schema";

export interface Loop {
  name: string;
  everyMs: number;
  /** Start only after this loop's first run (detection waits for the demo's history). */
  startAfter?: string;
  run(): Promise<void>;
}

export interface Workers {
  stop(): Promise<void>;
  /** Run one loop now (tests, and the detector's reaction to new complaints). */
  kick(name: string): void;
}

/**
 * The background work of an app process: the demo feed, term counting, housekeeping (and detection,
 * publishing as they arrive). Each loop runs in at most one process at a time (advisory lock), never
 * overlaps itself, and logs failures without stopping.
 */
export function startWorkers(services: AppServices, loops: Loop[]): Workers {
  let stopped = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<void>>();

  const schedule = (loop: Loop, delay: number) => {
    if (stopped) return;
    clearTimeout(timers.get(loop.name));
    timers.set(
      loop.name,
      setTimeout(() => void tick(loop), delay),
    );
  };

  const tick = async (loop: Loop) => {
    if (stopped || running.has(loop.name)) return;
    const work = (async () => {
      try {
        await withJobLock(services.database, loop.name, () => loop.run());
      } catch (error) {
        log.error(`background job ${loop.name} failed: ${(error as Error).stack ?? error}`);
      }
    })();
    running.set(loop.name, work);
    await work;
    running.delete(loop.name);
    schedule(loop, loop.everyMs);
    if (!ranOnce.has(loop.name)) {
      ranOnce.add(loop.name);
      for (const waiting of loops) if (waiting.startAfter === loop.name) schedule(waiting, 0);
    }
  };

  const ranOnce = new Set<string>();
  const names = new Set(loops.map((l) => l.name));
  for (const loop of loops) if (!loop.startAfter || !names.has(loop.startAfter)) schedule(loop, 0);

  return {
    async stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.allSettled(running.values());
    },
    kick(name) {
      const loop = loops.find((l) => l.name === name);
      if (loop && !running.has(name)) schedule(loop, 0);
    },
  };
}

/** The loops a console process runs. */
export function defaultLoops(services: AppServices, options: { demoFeed: boolean }): Loop[] {
  const { db, orgId } = services;
  const loops: Loop[] = [
    {
      // Evaluates each 5-minute bucket once it has closed; spikes and clusters appear by themselves.
      name: "detection",
      everyMs: 30_000,
      startAfter: "demo-feed",
      run: async () => {
        const result = await detect({ db, orgId });
        if (result.changedClusterIds.length > 0) {
          await publishEvent(services.database, {
            type: "spikes",
            orgId,
            clusterIds: result.changedClusterIds,
          });
          await followLinkedClusters(db, orgId, result.changedClusterIds);
        }
        if (options.demoFeed) {
          const incidentId = await ensureDemoIncident(db, orgId);
          if (incidentId) {
            log.info(`demo: incident #${incidentId} opened for the western outage`);
            await publishEvent(services.database, { type: "incident", orgId, incidentId, kind: "created" });
          }
          const plan = await demoPastIncidentPlan(db, orgId);
          const pastId = plan && (await ensureDemoPastIncident(db, orgId, plan, services.publicUrl()));
          if (pastId)
            log.info(`demo: past incident #${pastId} (app sign-in failure) written up with its comms`);
        }
      },
    },
    {
      // Places new complaints in the open incidents they belong to (and counts coverage).
      name: "incident-complaints",
      everyMs: 15_000,
      run: async () => {
        if ((await stampIncidentComplaints(db, orgId)) > 0) {
          await publishEvent(services.database, {
            type: "incident",
            orgId,
            incidentId: 0,
            kind: "complaints",
          });
        }
      },
    },
    {
      // Notifies subscribers before maintenance starts, opens and completes maintenance windows.
      name: "maintenance",
      everyMs: 30_000,
      run: async () => {
        const turn = await runMaintenance(db, orgId);
        if (turn.notified + turn.opened + turn.completed > 0) log.info("maintenance", turn);
      },
    },
    {
      name: "term-counts",
      everyMs: 60_000,
      run: async () => {
        while ((await countTerms(db, orgId)) > 0) {
          // keep going until caught up
        }
      },
    },
    {
      name: "housekeeping",
      everyMs: 3600_000,
      run: async () => {
        const now = Date.now();
        await pruneExpiredSessions(db);
        await pruneRateLimits(db, new Date(now - 86_400_000));
        await pruneWebhookReceipts(db);
        await db.delete(countedAuthors).where(lt(countedAuthors.hourStart, new Date(now - 2 * 86_400_000)));
      },
    },
  ];
  if (options.demoFeed) {
    let first = true;
    loops.push({
      name: "demo-feed",
      everyMs: 20_000,
      run: async () => {
        const result = await runDemoFeed(db, orgId, Date.now(), {
          stageOutage: first,
          historyDays: services.env.CLARION_DEMO_HISTORY_DAYS,
          onCommitted: publishIntake(services),
        });
        if (first && result.summary.accepted > 0) {
          log.info(`demo feed: ${result.summary.accepted} complaints of simulated history are in`);
        }
        if (result.stagedOutageAt) {
          log.info(
            `demo feed: a western power outage starts at ${new Date(result.stagedOutageAt + 180_000).toISOString()}`,
          );
        }
        first = false;
      },
    });
  }
  return loops;
}
