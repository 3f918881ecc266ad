import type { HeadersFunction, LinksFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, NavLink, Outlet, useRouteError } from "@remix-run/react";
import { links as mapLinks } from "~/components/outage-map";
import { t } from "~/locales";
import { cachedPageHeaders } from "~/utils/http-cache.server";

/** The public site's frame: skip link, landmarks, navigation and feeds, for every /status page. */
export const links: LinksFunction = () => mapLinks();

/** A page's 304 is answered by this boundary route: it passes the page's ETag and caching on. */
export const headers: HeadersFunction = cachedPageHeaders;

function Frame({ children }: { children: React.ReactNode }) {
  return (
    <div className="public">
      <a className="skip-link" href="#main">
        {t("page.skip")}
      </a>
      <header className="public-header">
        <nav aria-label={t("page.nav.label")}>
          <NavLink to="/status" end>
            {t("page.nav.status")}
          </NavLink>
          <NavLink to="/status/report">{t("page.nav.report")}</NavLink>
          <NavLink to="/status/subscribe">{t("page.nav.subscribe")}</NavLink>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="public-footer">
        <p>
          {t("page.feeds")} <a href="/status/feed.atom">{t("page.feed.atom")}</a> ·{" "}
          <a href="/status/feed.rss">{t("page.feed.rss")}</a> ·{" "}
          <a href="/status/feed.json">{t("page.feed.json")}</a>
          {" · "}
          {t("page.times")}
        </p>
      </footer>
    </div>
  );
}

export default function PublicLayout() {
  return (
    <Frame>
      <Outlet />
    </Frame>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message =
    isRouteErrorResponse(error) && error.data && typeof error.data === "object" && "error" in error.data
      ? String((error.data as { error: unknown }).error)
      : status === 404
        ? t("incident.notFound")
        : t("report.unavailable");
  return (
    <Frame>
      <h1 data-status={status}>{message}</h1>
      <p>
        <Link to="/status">{t("incident.back")}</Link>
      </p>
    </Frame>
  );
}
