// POST /inbox/logout — signs out of the standalone inbox (the cookie is cleared).
import type { ActionFunctionArgs } from "@remix-run/node";
import { signOut } from "../standalone/pages.server.ts";

export function action({ request }: ActionFunctionArgs) {
  return signOut(request);
}

export function loader() {
  return Response.json({ error: "POST only" }, { status: 405, headers: { Allow: "POST" } });
}
