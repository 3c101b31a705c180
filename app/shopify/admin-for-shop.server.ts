// The Admin API as a shop's offline session, for background jobs. The session
// comes through the Shopify library, which refreshes expiring offline tokens.
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { adminApiOrigin } from "../env.server.ts";
import { unauthenticated } from "../shopify.server.ts";
import { AdminApi } from "./admin-api.server.ts";

export async function adminApiForShop(shop: string): Promise<AdminApi | null> {
  try {
    const { session } = await unauthenticated.admin(shop);
    if (!session.accessToken) return null;
    return new AdminApi({ shop, accessToken: session.accessToken, origin: adminApiOrigin() });
  } catch (error) {
    if (error instanceof SessionNotFoundError) return null;
    throw error;
  }
}
