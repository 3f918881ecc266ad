import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { SubscriptionChoices } from "~/components/subscription-choices";
import { type MessageKey, t } from "~/locales";
import { confirmByCode, subscribe, subscribeOptions } from "~/services/subscribers.server";
import { RateLimitedError, ValidationError } from "~/utils/errors";
import { formPageHeaders } from "~/utils/http-cache.server";
import { publicContext } from "~/utils/public-context.server";
import { formObject, servicesOf } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: t("subscribe.title") }];
export const headers: HeadersFunction = formPageHeaders;

export async function loader({ context }: LoaderFunctionArgs) {
  const { db, orgId } = servicesOf(context);
  return subscribeOptions(db, orgId);
}

type Result = { intent: string; error: string; fields: Record<string, string> };

/** `intent=subscribe` (queues the confirmation) or `intent=confirm` (the code from the message). */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = publicContext(context);
  const form = await formObject(request);
  const intent = form.intent === "confirm" ? "confirm" : "subscribe";
  try {
    if (intent === "confirm") {
      const token = await confirmByCode(ctx, form);
      return redirect(`/status/subscription?token=${token}&confirmed=1`, 303);
    }
    const { kind } = await subscribe(ctx, form, { ip: context.clientIp });
    return redirect(`/status/subscribe?sent=${kind}`, 303);
  } catch (error) {
    if (error instanceof ValidationError)
      return data<Result>({ intent, error: error.message, fields: error.fields }, { status: 400 });
    if (error instanceof RateLimitedError)
      return data<Result>(
        { intent, error: error.message, fields: {} },
        { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } },
      );
    throw error;
  }
}

export default function Subscribe() {
  const options = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const [params] = useSearchParams();
  const sent = params.get("sent");
  const fields = result?.fields ?? {};
  if (options.kinds.length === 0) {
    return (
      <>
        <h1>{t("subscribe.title")}</h1>
        <p>{t("subscribe.unavailable")}</p>
      </>
    );
  }
  return (
    <>
      <h1>{t("subscribe.title")}</h1>
      {result?.error ? (
        <p className="form-error" role="alert" data-testid="subscribe-error">
          {result.error}
        </p>
      ) : null}
      {sent || result?.intent === "confirm" ? (
        <section className="panel" aria-labelledby="confirm-heading">
          {sent ? (
            <p className="notice" role="status" data-testid="subscribe-sent">
              {t("subscribe.sent")}
            </p>
          ) : null}
          <h2 id="confirm-heading">{t("confirm.title")}</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="confirm" />
            <input type="hidden" name="kind" value={sent ?? "sms"} />
            <label htmlFor="confirm-address">{t("subscribe.address")}</label>
            <input id="confirm-address" name="address" autoComplete="email" />
            <label htmlFor="code">{t("confirm.code")}</label>
            <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
            {fields.code ? <div className="field-error">{fields.code}</div> : null}
            <p>
              <button type="submit" className="primary">
                {t("confirm.submit")}
              </button>
            </p>
          </Form>
        </section>
      ) : null}
      <p>{t("subscribe.intro")}</p>
      <Form method="post" className="panel" noValidate>
        <input type="hidden" name="intent" value="subscribe" />
        <fieldset>
          <legend>{t("subscribe.kind")}</legend>
          {options.kinds.map((kind, i) => (
            <label key={kind}>
              <input type="radio" name="kind" value={kind} defaultChecked={i === 0} />{" "}
              {t(`subscribe.kind.${kind}` as MessageKey)}
            </label>
          ))}
          {fields.kind ? <div className="field-error">{fields.kind}</div> : null}
        </fieldset>
        <label htmlFor="address">{t("subscribe.address")}</label>
        <input
          id="address"
          name="address"
          aria-describedby="address-hint"
          aria-invalid={fields.address ? true : undefined}
        />
        <div id="address-hint" className="muted">
          {t("subscribe.address.hint")}
        </div>
        {fields.address ? (
          <div className="field-error" data-testid="address-error">
            {fields.address}
          </div>
        ) : null}
        <SubscriptionChoices regions={options.regions} components={options.components} errors={fields} />
        <p>
          <button type="submit" className="primary">
            {t("subscribe.submit")}
          </button>
        </p>
      </Form>
    </>
  );
}
