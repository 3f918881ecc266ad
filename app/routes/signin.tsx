import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { signIn } from "~/services/auth.server";
import { getSessionUser } from "~/utils/auth.server";
import { isAppError, RateLimitedError, ValidationError } from "~/utils/errors";
import { formObject, safeRedirect, servicesOf } from "~/utils/request.server";
import { commitSessionToken } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getSessionUser(request, context);
  if (user) throw redirect("/incidents");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const services = servicesOf(context);
  const form = await formObject(request);
  try {
    const session = await signIn(
      services.db,
      {
        email: form.email,
        password: form.password,
        ip: context.clientIp,
        userAgent: request.headers.get("user-agent"),
      },
      services.env.SESSION_TTL_HOURS,
    );
    return redirect(safeRedirect(form.redirectTo as string, "/incidents"), {
      headers: { "Set-Cookie": await commitSessionToken(services.env, session.token, session.expiresAt) },
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      return data({ error: error.message, fields: error.fields }, { status: 400 });
    }
    if (error instanceof RateLimitedError) {
      return data(
        { error: error.message, fields: {} },
        { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } },
      );
    }
    if (isAppError(error)) return data({ error: error.message, fields: {} }, { status: error.status });
    throw error;
  }
}

export default function SignIn() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const fields = (result?.fields ?? {}) as Record<string, string>;
  return (
    <main className="signin">
      <div className="brand">Clarion</div>
      <p className="muted">Outage and crisis response console</p>
      <Form method="post" className="panel" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        {result?.error ? (
          <p className="form-error" role="alert">
            {result.error}
          </p>
        ) : null}
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required />
        {fields.email ? <div className="field-error">{fields.email}</div> : null}
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        {fields.password ? <div className="field-error">{fields.password}</div> : null}
        <p>
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? "Signing in…" : "Sign in"}
          </button>
        </p>
      </Form>
    </main>
  );
}
