import { useEffect, useState } from "react";
import { formatElapsed } from "~/domain/incidents";

/** Time left until `to` (ticking each second), or how long it is overdue. */
export function Countdown({ to }: { to: string | null }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (!to) return <span>—</span>;
  if (now === null) return <span>{new Date(to).toISOString().slice(11, 16)} UTC</span>;
  const left = new Date(to).getTime() - now;
  if (left < 0) return <span className="overdue">overdue by {formatElapsed(-left)}</span>;
  return <span>in {formatElapsed(left)}</span>;
}

/** Time since `since`, up to `until` when it has ended. */
export function Elapsed({ since, until }: { since: string; until: string | null }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  const end = until ? new Date(until).getTime() : (now ?? new Date(since).getTime());
  return <span>{formatElapsed(end - new Date(since).getTime())}</span>;
}
