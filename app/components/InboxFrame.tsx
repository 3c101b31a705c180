// Where the inbox pages are shown: inside the Shopify admin (/app/inbox, with
// Shopify's order, refund and return pages beside them) or as the standalone
// inbox of an Etsy-only seller (/inbox, no Shopify features). The same page
// components read this to build their links and hide what needs Shopify.
import { createContext, useContext } from "react";

export interface InboxFrame {
  /** The inbox's own path: /app/inbox or /inbox. */
  base: string;
  /** Shopify's pages and actions are at hand (order pages, refunds, returns, saved replies' page). */
  shopify: boolean;
}

export const EMBEDDED_INBOX: InboxFrame = { base: "/app/inbox", shopify: true };
export const STANDALONE_INBOX: InboxFrame = { base: "/inbox", shopify: false };

const Context = createContext<InboxFrame>(EMBEDDED_INBOX);

export const InboxFrameProvider = Context.Provider;
export const useInboxFrame = () => useContext(Context);
