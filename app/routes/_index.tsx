import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { getSessionUser } from "~/utils/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getSessionUser(request, context);
  throw redirect(user ? "/incidents" : "/signin");
}
