import type { LinksFunction, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import styles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Clarion" }];

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** The message a person sees for an error answer: the server's own words when it gave some. */
export function errorMessage(error: unknown): { status: number; title: string; message: string } {
  if (isRouteErrorResponse(error)) {
    const data = error.data as unknown;
    const text =
      typeof data === "string"
        ? data
        : data && typeof data === "object" && "error" in data
          ? String((data as { error: unknown }).error)
          : error.statusText;
    const titles: Record<number, string> = {
      400: "That request was not valid",
      403: "You do not have access to this",
      404: "Not found",
      503: "Clarion is not ready",
    };
    return { status: error.status, title: titles[error.status] ?? `Error ${error.status}`, message: text };
  }
  return {
    status: 500,
    title: "Something went wrong",
    message:
      "Clarion hit an unexpected error. It has been logged; try again, and if it keeps happening tell an admin.",
  };
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { status, title, message } = errorMessage(error);
  return (
    <main className="error-page" data-status={status}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">Back to the console</a>
      </p>
    </main>
  );
}
