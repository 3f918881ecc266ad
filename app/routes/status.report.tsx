import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { t } from "~/locales";
import { publishIntake } from "~/services/enrichment.server";
import { reportTopics, submitReport } from "~/services/problem-reports.server";
import { RateLimitedError, ValidationError } from "~/utils/errors";
import { formPageHeaders } from "~/utils/http-cache.server";
import { log } from "~/utils/log.server";
import { formObject, servicesOf } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: t("report.title") }];

export const headers: HeadersFunction = formPageHeaders;

export async function loader({ context }: LoaderFunctionArgs) {
  const { db, orgId } = servicesOf(context);
  return { topics: await reportTopics(db, orgId) };
}

type ActionResult = { error: string; fields: Record<string, string>; values: Record<string, string> };

/** Public and rate-limited. Every outcome is an answer a person can act on: 303, 400, 429 or 503. */
export async function action({ request, context }: ActionFunctionArgs) {
  const services = servicesOf(context);
  const form = await formObject(request);
  const values = Object.fromEntries(
    ["postalCode", "topic", "details"].map((k) => [
      k,
      typeof form[k] === "string" ? (form[k] as string) : "",
    ]),
  );
  try {
    await submitReport(
      { db: services.db, orgId: services.orgId, onCommitted: publishIntake(services) },
      form,
      {
        ip: context.clientIp,
      },
    );
    return redirect("/status/report?sent=1", 303);
  } catch (error) {
    if (error instanceof ValidationError) {
      return data<ActionResult>({ error: error.message, fields: error.fields, values }, { status: 400 });
    }
    if (error instanceof RateLimitedError) {
      return data<ActionResult>(
        { error: error.message, fields: {}, values },
        { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } },
      );
    }
    log.error(`report form failed: ${(error as Error)?.stack ?? error}`);
    return data<ActionResult>({ error: t("report.unavailable"), fields: {}, values }, { status: 503 });
  }
}

/** "Use my location": offered only when the browser can, and fills two hidden fields (rounded). */
function UseMyLocation() {
  const [supported, setSupported] = useState(false);
  const [status, setStatus] = useState("");
  const [coords, setCoords] = useState<{ lat: string; lon: string } | null>(null);
  useEffect(() => setSupported(typeof navigator !== "undefined" && "geolocation" in navigator), []);
  if (!supported) return null;
  const locate = () => {
    setStatus(t("report.locating"));
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setCoords({
          lat: position.coords.latitude.toFixed(2),
          lon: position.coords.longitude.toFixed(2),
        });
        setStatus(t("report.located"));
      },
      () => setStatus(t("report.locateFailed")),
      { maximumAge: 600_000, timeout: 10_000 },
    );
  };
  return (
    <p>
      <button type="button" onClick={locate} data-testid="use-location">
        {t("report.locate")}
      </button>{" "}
      <span role="status" aria-live="polite">
        {status}
      </span>
      {coords ? (
        <>
          <input type="hidden" name="lat" value={coords.lat} />
          <input type="hidden" name="lon" value={coords.lon} />
        </>
      ) : null}
    </p>
  );
}

export default function ReportProblem() {
  const { topics } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const fields = result?.fields ?? {};
  const values = result?.values ?? {};
  const describedBy = (name: string, hint?: string) =>
    [hint, fields[name] ? `${name}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <>
      <h1>{t("report.title")}</h1>
      <p>{t("report.intro")}</p>
      {params.get("sent") && !result ? (
        <p className="notice" role="status" data-testid="report-sent">
          {t("report.thanks")}
        </p>
      ) : null}
      {result?.error ? (
        <p className="form-error" role="alert" data-testid="report-error">
          {result.error}
        </p>
      ) : null}
      <Form method="post" className="panel" noValidate>
        <label htmlFor="postalCode">{t("report.postal")}</label>
        <input
          id="postalCode"
          name="postalCode"
          inputMode="numeric"
          autoComplete="postal-code"
          defaultValue={values.postalCode}
          aria-invalid={fields.postalCode ? true : undefined}
          aria-describedby={describedBy("postalCode", "postal-hint")}
        />
        <div id="postal-hint" className="muted">
          {t("report.postal.hint")}
        </div>
        {fields.postalCode ? (
          <div id="postalCode-error" className="field-error">
            {fields.postalCode}
          </div>
        ) : null}
        <UseMyLocation />
        <label htmlFor="topic">{t("report.problem")}</label>
        <select
          id="topic"
          name="topic"
          defaultValue={values.topic ?? ""}
          aria-invalid={fields.topic ? true : undefined}
          aria-describedby={describedBy("topic")}
        >
          <option value="" disabled>
            —
          </option>
          {topics.map((topic) => (
            <option key={topic.slug} value={topic.slug}>
              {topic.label}
            </option>
          ))}
        </select>
        {fields.topic ? (
          <div id="topic-error" className="field-error">
            {fields.topic}
          </div>
        ) : null}
        <label htmlFor="details">{t("report.details")}</label>
        <textarea
          id="details"
          name="details"
          maxLength={1000}
          defaultValue={values.details}
          aria-describedby={describedBy("details", "details-hint")}
        />
        <div id="details-hint" className="muted">
          {t("report.details.hint")}
        </div>
        {fields.details ? (
          <div id="details-error" className="field-error">
            {fields.details}
          </div>
        ) : null}
        <div className="honeypot" aria-hidden="true">
          <label htmlFor="website">{t("report.honeypot")}</label>
          <input id="website" name="website" type="text" tabIndex={-1} autoComplete="off" />
        </div>
        <p>
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {t("report.submit")}
          </button>
        </p>
      </Form>
    </>
  );
}
