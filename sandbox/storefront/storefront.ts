// The storefront stand-in: what a shopper sees on the demo shop, enough to run
// the storefront parts of the app without a Shopify store:
//   GET  /store                                   home: every product
//   GET  /store/products/<handle>[?variant=&locale=]  product page with the theme app extension's blocks
//   GET  /products/<handle>[?variant=&locale=]    the same page where a shop's domain serves it: the
//                                                  links in the app's notices (the sandbox stands in for the shop's domain)
//   GET  /store/extensions/<ext>/assets/<file>    the extensions' assets (asset_url)
//   GET  /store/assets/theme.js                   the theme's own script
//   *    /<prefix>/<subpath>/<path>               the app proxy, signed like Shopify's
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sendHtml, type SandboxConfig, type SandboxHandler } from "../http.ts";
import { fetchThroughProxy, sendProxyAnswer, type AppProxyTarget, type ProxyAnswer } from "./app-proxy.ts";
import {
  homeBody,
  layout,
  liquidError,
  noCartBody,
  productBody,
  THEME_JS,
  type ThemeLocale,
  type ThemeProduct,
} from "./pages.ts";
import { blockEnabledOn, formatMoney, loadThemeBlocks, renderBlock, renderLiquidPage } from "./theme-extension.ts";

export interface StorefrontVariant {
  /** A numeric id or a GID (gid://shopify/ProductVariant/1); Liquid sees the number. */
  id: string;
  title: string;
  /** Decimal string in the shop currency, e.g. "4800" or "12.50". */
  price: string;
  available: boolean;
  inventoryQuantity: number | null;
}

export interface StorefrontProduct {
  id: string;
  handle: string;
  title: string;
  /** Plain text. */
  description: string;
  variants: StorefrontVariant[];
}

export interface StorefrontOptions {
  /** The sandbox store's products, read on every request. */
  products: () => StorefrontProduct[] | Promise<StorefrontProduct[]>;
  /** shopify.app.toml [app_proxy]; `url` defaults to `${config.appUrl}/proxy`. */
  proxy: { subpath: string; prefix: string; url?: string };
  shopName?: string;
  currency?: string;
  /** The shop's primary language; `?locale=` switches. */
  defaultLocale?: ThemeLocale;
  extensionsDir?: string;
  /** Merchant block settings over schema defaults, by "<extension>/<block>". */
  blockSettings?: Record<string, Record<string, unknown>>;
}

const DEFAULT_EXTENSIONS_DIR = fileURLToPath(new URL("../../extensions/", import.meta.url));
const ASSET_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
};

interface Storefront {
  config: SandboxConfig;
  options: StorefrontOptions;
  extensionsDir: string;
  proxyPrefix: string;
  shopName: string;
  currency: string;
  defaultLocale: ThemeLocale;
}

export function createStorefrontHandler(config: SandboxConfig, options: StorefrontOptions): SandboxHandler {
  const store: Storefront = {
    config,
    options,
    extensionsDir: options.extensionsDir ?? DEFAULT_EXTENSIONS_DIR,
    proxyPrefix: `/${options.proxy.prefix}/${options.proxy.subpath}`,
    shopName: options.shopName ?? "Kizuna Demo Store",
    currency: options.currency ?? "JPY",
    defaultLocale: options.defaultLocale ?? "ja",
  };
  return async (request, response, url) => {
    const path = url.pathname;
    if (path === store.proxyPrefix || path.startsWith(`${store.proxyPrefix}/`)) {
      await proxy(store, request, response, url);
      return true;
    }
    if (path !== "/store" && !path.startsWith("/store/") && !SHOP_DOMAIN_PRODUCT.test(path)) return false;
    await storePage(store, request, response, url);
    return true;
  };
}

/** A product page at the path a shop's own domain serves it (/products/<handle>). */
const SHOP_DOMAIN_PRODUCT = /^\/products\/[^/]+\/?$/;

async function storePage(store: Storefront, request: IncomingMessage, response: ServerResponse, url: URL) {
  const trimmed = url.pathname.replace(/\/+$/, "") || "/";
  const path = SHOP_DOMAIN_PRODUCT.test(trimmed) ? `/store${trimmed}` : trimmed;
  const locale = pickLocale(url, store.defaultLocale);
  if (request.method === "POST" && path === "/store/cart/add") {
    return page(response, 200, store, url, locale, "Cart", noCartBody(locale));
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { Allow: "GET" }).end();
    return;
  }
  if (path === "/store/assets/theme.js") return sendAsset(response, "text/javascript; charset=utf-8", THEME_JS);
  const asset = /^\/store\/extensions\/([\w-]+)\/assets\/([\w-][\w.-]*)$/.exec(path);
  if (asset) return serveExtensionAsset(store, response, asset[1] ?? "", asset[2] ?? "");

  const products = await store.options.products();
  if (path === "/store") {
    const body = homeBody(
      products.map((product) => themeProduct(store, product, locale)),
      locale,
    );
    return page(response, 200, store, url, locale, store.shopName, body);
  }
  const handle = /^\/store\/products\/([^/]+)$/.exec(path)?.[1];
  const product = handle ? products.find((item) => item.handle === decodeSafe(handle)) : undefined;
  if (!product || product.variants.length === 0) {
    return page(response, 404, store, url, locale, "404", "<h1>404</h1><p>Page not found.</p>");
  }
  await productPage(store, response, url, locale, product);
}

async function productPage(
  store: Storefront,
  response: ServerResponse,
  url: URL,
  locale: ThemeLocale,
  product: StorefrontProduct,
) {
  const requested = url.searchParams.get("variant");
  const selected =
    product.variants.find((variant) => numericId(variant.id) === requested) ??
    product.variants.find((variant) => variant.available) ??
    product.variants[0];
  if (!selected) throw new Error(`product ${product.handle} has no variants`);
  const objects = liquidObjects(store, url, locale, product, selected);
  const appBlocks = await renderAppBlocks(store, locale, objects);
  const theme = themeProduct(store, product, locale);
  const themeSelected = theme.variants.find((variant) => variant.id === numericId(selected.id));
  if (!themeSelected) throw new Error(`variant ${selected.id} missing from the theme product`);
  const body = productBody({ product: theme, selected: themeSelected, locale, appBlocks });
  page(response, 200, store, url, locale, product.title, body);
}

/** Every app block (target "section") enabled on product pages, in extension/file order. */
async function renderAppBlocks(store: Storefront, locale: ThemeLocale, objects: Record<string, unknown>) {
  let blocks;
  try {
    blocks = await loadThemeBlocks(store.extensionsDir);
  } catch (error) {
    return liquidError("extensions", errorMessage(error));
  }
  const html: string[] = [];
  for (const [index, block] of blocks.entries()) {
    if (block.schema.target !== "section" || !blockEnabledOn(block, "product")) continue;
    const where = `${block.extension}/blocks/${block.name}.liquid`;
    try {
      html.push(
        await renderBlock(block, {
          objects,
          settings: store.options.blockSettings?.[`${block.extension}/${block.name}`],
          locale,
          currency: store.currency,
          assetBase: "/store/extensions",
          blockId: `AppBlock${index + 1}`,
        }),
      );
    } catch (error) {
      html.push(liquidError(where, errorMessage(error)));
    }
  }
  return html.join("\n");
}

/** The Shopify Liquid objects a block sees (a subset, same names and shapes). */
function liquidObjects(
  store: Storefront,
  url: URL,
  locale: ThemeLocale,
  product: StorefrontProduct,
  selected: StorefrontVariant,
): Record<string, unknown> {
  const variants = product.variants.map((variant) => ({
    id: numericId(variant.id),
    title: variant.title,
    price: cents(variant.price),
    available: variant.available,
    inventory_quantity: variant.inventoryQuantity,
    url: `/store/products/${product.handle}?variant=${numericId(variant.id)}`,
  }));
  const selectedDrop = variants.find((variant) => variant.id === numericId(selected.id));
  const requested = url.searchParams.get("variant");
  return {
    product: {
      id: numericId(product.id),
      handle: product.handle,
      title: product.title,
      description: product.description,
      url: `/store/products/${product.handle}`,
      available: product.variants.some((variant) => variant.available),
      price: Math.min(...variants.map((variant) => variant.price)),
      variants,
      has_only_default_variant: product.variants.length === 1 && product.variants[0]?.title === "Default Title",
      selected_variant: requested && selectedDrop?.id === requested ? selectedDrop : null,
      selected_or_first_available_variant: selectedDrop,
      first_available_variant: variants.find((variant) => variant.available) ?? null,
    },
    shop: {
      name: store.shopName,
      permanent_domain: store.config.shop,
      domain: store.config.shop,
      currency: store.currency,
      url: `${store.config.origin}/store`,
    },
    request: {
      locale: { iso_code: locale, primary: locale === store.defaultLocale, root_url: "/store" },
      path: url.pathname,
      host: url.host,
      page_type: "product",
      design_mode: false,
    },
    routes: { root_url: "/store" },
    localization: { language: { iso_code: locale } },
    customer: null,
  };
}

function themeProduct(store: Storefront, product: StorefrontProduct, locale: ThemeLocale): ThemeProduct {
  const money = (price: string) => formatMoney(cents(price), store.currency, locale);
  const lowest = product.variants.reduce((low, variant) => Math.min(low, cents(variant.price)), Infinity);
  return {
    handle: product.handle,
    title: product.title,
    description: product.description,
    available: product.variants.some((variant) => variant.available),
    price: Number.isFinite(lowest) ? formatMoney(lowest, store.currency, locale) : "",
    variants: product.variants.map((variant) => ({
      id: numericId(variant.id),
      title: variant.title,
      available: variant.available,
      price: money(variant.price),
    })),
  };
}

// ---- App proxy ----

async function proxy(store: Storefront, request: IncomingMessage, response: ServerResponse, url: URL) {
  const target: AppProxyTarget = {
    url: store.options.proxy.url ?? `${store.config.appUrl.replace(/\/+$/, "")}/proxy`,
    pathPrefix: store.proxyPrefix,
    shop: store.config.shop,
    secret: store.config.apiSecret,
  };
  const answer = await fetchThroughProxy(request, url, target);
  if (!isLiquid(answer)) return sendProxyAnswer(response, answer, request.method);
  // Shopify renders an application/liquid answer inside the theme (unless {% layout none %}).
  const locale = pickLocale(url, store.defaultLocale);
  const objects = { shop: { name: store.shopName, permanent_domain: store.config.shop }, customer: null };
  const source = answer.body.toString("utf8");
  let html: string;
  try {
    html = await renderLiquidPage(source, objects, { currency: store.currency, locale });
  } catch (error) {
    html = liquidError("app proxy", errorMessage(error));
  }
  if (/{%-?\s*layout\s+none\s*-?%}/.test(source)) return sendHtml(response, answer.status, html);
  page(response, answer.status, store, url, locale, store.shopName, html);
}

function isLiquid(answer: ProxyAnswer): boolean {
  return (answer.headers["content-type"] ?? "").startsWith("application/liquid");
}

// ---- helpers ----

function page(
  response: ServerResponse,
  status: number,
  store: Storefront,
  url: URL,
  locale: ThemeLocale,
  title: string,
  body: string,
): void {
  const localeLinks = { ja: withLocale(url, "ja"), en: withLocale(url, "en") };
  sendHtml(
    response,
    status,
    layout({ shopName: store.shopName, locale, title, body, localeLinks, ordersPath: `${store.proxyPrefix}/orders` }),
    {
      "Cache-Control": "no-store",
    },
  );
}

function withLocale(url: URL, locale: ThemeLocale): string {
  const next = new URL(url);
  next.searchParams.set("locale", locale);
  return `${next.pathname}${next.search}`;
}

function pickLocale(url: URL, fallback: ThemeLocale): ThemeLocale {
  const wanted = url.searchParams.get("locale");
  return wanted === "ja" || wanted === "en" ? wanted : fallback;
}

async function serveExtensionAsset(store: Storefront, response: ServerResponse, extension: string, file: string) {
  // Both names are restricted to [\w.-] by the route pattern: no way out of assets/.
  const fullPath = join(store.extensionsDir, extension, "assets", file);
  const type = ASSET_TYPES[extname(file)];
  if (!type || !existsSync(fullPath)) {
    response.writeHead(404, { "Content-Type": "text/plain" }).end("asset not found");
    return;
  }
  sendAsset(response, type, await readFile(fullPath));
}

function sendAsset(response: ServerResponse, type: string, body: string | Buffer): void {
  response.writeHead(200, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
  });
  response.end(body);
}

/** Liquid ids are numbers: gid://shopify/ProductVariant/123 → "123" (kept as a string: no precision loss). */
export function numericId(id: string): string {
  return id.replace(/^gid:\/\/shopify\/\w+\//, "");
}

/** "4800" / "12.5" / "12.50" → hundredths, without floating-point arithmetic. */
export function cents(decimal: string): number {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(decimal.trim());
  if (!match) return 0;
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
