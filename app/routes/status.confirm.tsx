import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { t } from "~/locales";
import { confirmByToken } from "~/services/subscribers.server";
import { NotFoundError } from "~/utils/errors";
import { publicContext } from "~/utils/public-context.server";
import { formObject } from "~/utils/request.server";

export const meta: MetaFunction = () => [
  { title: t("confirm.title") },
  { name: "referrer", content: "no-referrer" },
];

/**
 * The confirmation link. Opening it only shows a button: mail scanners that fetch every link must not
 * confirm on a person's behalf; the POST confirms.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  return { token: new URL(request.url).searchParams.get("token") ?? "" };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await formObject(request);
  try {
    const manage = await confirmByToken(publicContext(context), form.token);
    return redirect(`/status/subscription?token=${manage}&confirmed=1`, 303);
  } catch (error) {
    if (error instanceof NotFoundError)
      return Response.json({ error: t("confirm.invalid") }, { status: 404 });
    throw error;
  }
}

export default function Confirm() {
  const { token } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("confirm.title")}</h1>
      <Form method="post">
        <input type="hidden" name="token" value={token} />
        <button type="submit" className="primary">
          {t("confirm.button")}
        </button>
      </Form>
    </>
  );
}
