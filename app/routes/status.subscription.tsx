import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { SubscriptionChoices } from "~/components/subscription-choices";
import { type MessageKey, t } from "~/locales";
import {
  getSubscription,
  type SubscriptionView,
  subscribeOptions,
  unsubscribe,
  updateChoices,
} from "~/services/subscribers.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { formPageHeaders } from "~/utils/http-cache.server";
import { publicContext } from "~/utils/public-context.server";
import { formObject } from "~/utils/request.server";

export const meta: MetaFunction = () => [
  { title: t("manage.title") },
  { name: "referrer", content: "no-referrer" },
];
export const headers: HeadersFunction = formPageHeaders;

/** The management page, reached by the token in every message (`?token=`; tokens never enter paths or logs). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = publicContext(context);
  const url = new URL(request.url);
  const token = url.searchParams.get("token") ?? "";
  try {
    const [subscription, options] = await Promise.all([
      getSubscription(ctx, token),
      subscribeOptions(ctx.db, ctx.orgId),
    ]);
    return {
      token,
      subscription,
      options,
      confirmed: url.searchParams.has("confirmed"),
      askUnsubscribe: url.searchParams.has("unsubscribe"),
    };
  } catch (error) {
    if (error instanceof NotFoundError) throw data({ error: t("manage.invalid") }, { status: 404 });
    throw error;
  }
}

type Result = {
  done?: "saved" | "unsubscribed";
  error?: string;
  fields?: Record<string, string>;
  view?: SubscriptionView;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = publicContext(context);
  const form = await formObject(request);
  try {
    if (form.intent === "unsubscribe") {
      return data<Result>({ done: "unsubscribed", view: await unsubscribe(ctx, form.token) });
    }
    return data<Result>({ done: "saved", view: await updateChoices(ctx, form.token, form) });
  } catch (error) {
    if (error instanceof NotFoundError) throw data({ error: t("manage.invalid") }, { status: 404 });
    if (error instanceof ValidationError)
      return data<Result>({ error: error.message, fields: error.fields }, { status: 400 });
    throw error;
  }
}

export default function ManageSubscription() {
  const { token, subscription: loaded, options, confirmed, askUnsubscribe } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const s = result?.view ?? loaded;
  return (
    <>
      <h1>{t("manage.title")}</h1>
      {confirmed && !result ? (
        <p className="notice" role="status" data-testid="confirmed">
          {t("confirm.done")}
        </p>
      ) : null}
      {result?.done ? (
        <p className="notice" role="status" data-testid="manage-done">
          {result.done === "saved" ? t("manage.saved") : t("manage.unsubscribed.done")}
        </p>
      ) : null}
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      <p data-testid="subscription-status" data-status={s.status}>
        {t("manage.address", { address: s.masked, kind: t(`subscribe.kind.${s.kind}` as MessageKey) })}{" "}
        {s.status === "pending" ? t("manage.pending") : null}
        {s.status === "inactive" ? t("manage.inactive") : null}
        {s.status === "unsubscribed" ? t("manage.unsubscribed") : null}
      </p>
      {s.status !== "unsubscribed" ? (
        <Form method="post" className={askUnsubscribe ? "panel banner-major_outage" : "panel"}>
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="intent" value="unsubscribe" />
          <p>{t("manage.unsubscribeAsk")}</p>
          <button type="submit" className="primary">
            {t("manage.unsubscribe")}
          </button>
        </Form>
      ) : null}
      <Form method="post" className="panel">
        <input type="hidden" name="token" value={token} />
        <input type="hidden" name="intent" value="save" />
        <p className="muted">{t("subscribe.intro")}</p>
        <SubscriptionChoices
          regions={options.regions}
          components={options.components}
          selectedRegions={s.regions}
          selectedComponents={s.componentIds}
          errors={result?.fields}
        />
        <button type="submit">{t("manage.save")}</button>
      </Form>
    </>
  );
}
