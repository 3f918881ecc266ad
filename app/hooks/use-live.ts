import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

export interface LiveEvent {
  type: string;
  incidentId?: number;
  [key: string]: unknown;
}

/**
 * Re-read the page's data when the server says something relevant changed (SSE from /events, fed by
 * LISTEN/NOTIFY). Revalidations are coalesced to one every `minIntervalMs`. If the stream cannot stay
 * open, the page falls back to polling.
 */
export function useLiveRevalidation(
  isRelevant: (event: LiveEvent) => boolean,
  minIntervalMs = 2000,
  pollMs = 15_000,
) {
  const revalidator = useRevalidator();
  const relevant = useRef(isRelevant);
  relevant.current = isRelevant;
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    let poll: ReturnType<typeof setInterval> | null = null;
    const schedule = () => {
      if (timer) return;
      const wait = Math.max(0, last + minIntervalMs - Date.now());
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        if (document.visibilityState !== "hidden") revalidate.current();
      }, wait);
    };
    const source = new EventSource("/events");
    const onEvent = (message: MessageEvent) => {
      try {
        const event = JSON.parse(message.data) as LiveEvent;
        if (relevant.current(event)) schedule();
      } catch {
        // ignore malformed frames
      }
    };
    for (const type of ["complaints", "spikes", "incident", "delivery"])
      source.addEventListener(type, onEvent);
    source.addEventListener("open", () => {
      if (poll) clearInterval(poll);
      poll = null;
    });
    source.addEventListener("error", () => {
      // EventSource retries by itself; poll meanwhile so the page never goes stale.
      if (!poll) poll = setInterval(schedule, pollMs);
    });
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
    };
  }, [minIntervalMs, pollMs]);
}
