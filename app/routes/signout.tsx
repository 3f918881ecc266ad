import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { signOut } from "~/services/auth.server";
import { servicesOf } from "~/utils/request.server";
import { clearSessionCookie, readSessionToken } from "~/utils/session.server";

export async function loader() {
  // Signing out changes state, so it is a POST (a link or prefetch must never sign anyone out).
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const services = servicesOf(context);
  const token = await readSessionToken(request, services.env);
  if (token) await signOut(services.db, token, { kind: "user", ip: context.clientIp });
  return redirect("/signin", { headers: { "Set-Cookie": await clearSessionCookie(services.env) } });
}
