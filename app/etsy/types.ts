// What the Etsy card is handed (client-safe: no server imports, never a token).

export interface EtsyLinkView {
  configured: boolean;
  linked: boolean;
  etsyShopName: string | null;
  status: "connected" | "reconnect" | null;
  lastPolledAt: string | null;
  lastError: string | null;
  etsyOrders: number;
}

export type EtsyLinkIntent = "connect" | "disconnect";

export type EtsyActionResult =
  | { ok: true; intent: "connect"; authorizeUrl: string }
  | { ok: true; intent: "disconnect"; disconnected: boolean }
  | { ok: false; intent: EtsyLinkIntent | "unknown"; reason: "not_configured" | "unknown_intent"; status: 400 | 409 };
