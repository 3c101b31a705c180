// The login page's work (Shopify's Remix template, app/routes/auth.login): a
// shop domain in, the library's redirect to that shop's install/consent page
// out, or the reason the domain was refused. In sandbox mode the redirect goes
// to the sandbox admin's page for the app instead of admin.shopify.com.
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { readAdminForm } from "../admin/form-input.server.ts";
import { sandboxOf } from "../sandbox/sandbox.server.ts";
import { login } from "../shopify.server.ts";

export interface LoginErrors {
  shop?: string;
}

export type LoginOutcome = { status: 200 | 400 | 413 | 415; errors: LoginErrors };

const MESSAGES: Partial<Record<LoginErrorType, string>> = {
  [LoginErrorType.MissingShop]: "Please enter your shop domain to log in.",
  [LoginErrorType.InvalidShop]: "Please enter a valid shop domain to log in, e.g. my-shop.myshopify.com.",
};

/**
 * Logs in with the shop given as `?shop=` (GET) or the form's `shop` field (POST). Throws the library's
 * redirect when the domain is valid; returns the errors to show otherwise (none for a bare GET).
 */
export async function logIn(request: Request): Promise<LoginOutcome> {
  let asked = request;
  if (request.method !== "GET") {
    // The library reads a POST with request.formData(), which throws on any other body: read it here.
    const form = await readAdminForm(request);
    if (!form.ok) return { status: form.status, errors: { shop: form.message } };
    const url = new URL(request.url);
    url.searchParams.set("shop", (form.fields.shop ?? "").trim());
    if (!url.searchParams.get("shop")) return refused(LoginErrorType.MissingShop);
    asked = new Request(url, { method: "GET", headers: request.headers });
  }
  let result: Awaited<ReturnType<typeof login>>;
  try {
    result = await login(asked);
  } catch (thrown) {
    throw thrown instanceof Response ? toSandboxAdmin(thrown) : thrown;
  }
  return result.shop ? refused(result.shop) : { status: 200, errors: {} };
}

function refused(type: LoginErrorType): LoginOutcome {
  return { status: 400, errors: { shop: MESSAGES[type] ?? "Please enter a valid shop domain to log in." } };
}

/** admin.shopify.com/store/<name>/… → the sandbox admin's page for the app in that store. */
function toSandboxAdmin(response: Response): Response {
  const sandbox = sandboxOf();
  const location = response.headers.get("Location");
  const store = location?.match(/^https:\/\/admin\.shopify\.com\/store\/([a-z0-9][a-z0-9-]*)\//)?.[1];
  if (!sandbox || !store) return response;
  return new Response(null, {
    status: response.status,
    headers: { Location: `${sandbox.origin}/admin/store/${store}/apps/kizuna` },
  });
}
