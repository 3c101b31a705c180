// POST /proxy/restock-subscriptions (storefront: /apps/kizuna/restock-subscriptions)
// — the "Notify me" block's signup. The shop comes from the verified app proxy
// signature; see app/restock/signup-request.server.ts for the answers.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { db } from "../db.server.ts";
import { env, smsSettings } from "../env.server.ts";
import { restockNotices } from "../restock/notifier.server.ts";
import { defaultSignupLimiters } from "../restock/rate-limit.server.ts";
import { handleRestockSignup } from "../restock/signup-request.server.ts";

// One set of windows per web process (see rate-limit.server.ts for why memory).
const limiters = defaultSignupLimiters();

export const action = ({ request, context }: ActionFunctionArgs) =>
  handleRestockSignup(
    request,
    {
      db: db(),
      limiters,
      confirm: restockNotices(db(), undefined, smsSettings() !== null).confirm,
      trustedProxyHops: env().TRUSTED_PROXY_HOPS,
    },
    // server/index.ts puts the socket's address in the load context.
    { socketAddress: typeof context.socketAddress === "string" ? context.socketAddress : null },
  );

export const loader = (_args: LoaderFunctionArgs) =>
  Response.json({ ok: false, error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } });
