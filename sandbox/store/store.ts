// The sandbox's own Shopify: shops (each a ShopData) and the access tokens the
// Admin API emulator issues for them. In memory, plain data, deterministic ids.
import { randomBytes } from "node:crypto";
import { systemClock, wholeSeconds, type Clock } from "./clock.ts";
import { IdSequence } from "./ids.ts";
import { ShopData } from "./shop-data.ts";
import type { AccessToken, AccessTokenKind, Address, Id, RefreshToken, Shop } from "./types.ts";

export interface NewShop {
  domain: string;
  name: string;
  email: string;
  currency: string;
  ianaTimezone: string;
  address: Address;
  contactEmail?: string;
  primaryDomain?: string;
  createdAt?: Date;
}

export interface AccessTokenOptions {
  kind?: AccessTokenKind;
  scope?: string;
  expiresAt?: Date | null;
  userId?: Id | null;
}

/** What the app asks for in shopify.app.toml; tokens carry it as their scope. */
export const DEFAULT_SCOPE =
  "read_customers,write_customers,read_orders,write_orders,read_fulfillments,write_fulfillments," +
  "read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders," +
  "read_inventory,write_inventory,read_products,read_returns,write_returns,read_locales";

export class SandboxStore {
  private readonly ids = new IdSequence();
  private readonly shops = new Map<string, ShopData>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(readonly clock: Clock = systemClock) {}

  addShop(input: NewShop): ShopData {
    if (this.shops.has(input.domain)) throw new Error(`shop ${input.domain} already exists`);
    const createdAt = wholeSeconds(input.createdAt ?? this.clock.now());
    const shop: Shop = {
      id: this.ids.next("shop"),
      domain: input.domain,
      name: input.name,
      email: input.email,
      contactEmail: input.contactEmail ?? input.email,
      currency: input.currency,
      ianaTimezone: input.ianaTimezone,
      primaryDomain: input.primaryDomain ?? input.domain,
      address: input.address,
      createdAt,
      updatedAt: createdAt,
    };
    const data = new ShopData(shop, this.ids, this.clock);
    this.shops.set(shop.domain, data);
    return data;
  }

  shop(domain: string): ShopData | undefined {
    return this.shops.get(domain);
  }

  requireShop(domain: string): ShopData {
    const data = this.shops.get(domain);
    if (!data) throw new Error(`no shop ${domain} in the sandbox store`);
    return data;
  }

  shopDomains(): string[] {
    return [...this.shops.keys()];
  }

  /** A new access token for `shop` (by default offline and non-expiring, like a test's static token). */
  issueAccessToken(shop: string, options: AccessTokenOptions = {}): string {
    this.requireShop(shop);
    const kind = options.kind ?? "offline";
    const token = `${kind === "online" ? "shpua" : "shpat"}_${randomBytes(16).toString("hex")}`;
    this.accessTokens.set(token, {
      token,
      shop,
      kind,
      scope: options.scope ?? DEFAULT_SCOPE,
      expiresAt: options.expiresAt ?? null,
      userId: options.userId ?? null,
    });
    return token;
  }

  accessToken(token: string): AccessToken | undefined {
    return this.accessTokens.get(token);
  }

  revokeAccessToken(token: string): void {
    this.accessTokens.delete(token);
  }

  issueRefreshToken(shop: string, scope: string, expiresAt: Date): string {
    const token = `shprt_${randomBytes(16).toString("hex")}`;
    this.refreshTokens.set(token, { token, shop, scope, expiresAt });
    return token;
  }

  /** Takes a refresh token out (each is used once: a refresh issues a new one). */
  takeRefreshToken(token: string): RefreshToken | undefined {
    const found = this.refreshTokens.get(token);
    this.refreshTokens.delete(token);
    return found;
  }
}

export function createSandboxStore(options: { clock?: Clock } = {}): SandboxStore {
  return new SandboxStore(options.clock);
}
