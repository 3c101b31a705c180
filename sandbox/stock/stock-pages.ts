// The sandbox's stock page: what a seller does in Shopify's admin under
// Products → Inventory. Every variant of the demo shop with its available
// quantity per location, and a form to receive or remove stock. A change is
// applied to the sandbox store and Shopify's webhooks about it are sent to the
// app (inventory_levels/update, products/update), as after an edit in the admin.
//
//   GET  /stock          the list, with a notice about the last change (?changed=)
//   POST /stock/adjust   form: inventoryItemId, locationId, delta → 303 /stock
import type { ServerResponse } from "node:http";
import { escapeHtml, readRequestBody, sendHtml, type SandboxConfig, type SandboxHandler } from "../http.ts";
import { INSPECTOR_CSP, inspectorPage } from "../mail/layout.ts";
import { adjustInventory, StoreError, type InventoryLevel, type SandboxStore, type ShopData } from "../store/index.ts";
import type { WebhookEmitter } from "../webhooks/emitter.ts";
import { stockChangeWebhooks } from "../webhooks/payloads.ts";

const MAX_DELTA = 100_000;

export function createStockPagesHandler(
  store: SandboxStore,
  config: SandboxConfig,
  emitter: WebhookEmitter,
): SandboxHandler {
  return async (request, response, url) => {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path !== "/stock" && !path.startsWith("/stock/")) return false;
    const data = store.shop(config.shop);
    if (!data) {
      page(
        response,
        404,
        "Stock",
        `<div class="card empty"><p>The sandbox has no shop ${escapeHtml(config.shop)}.</p></div>`,
      );
      return true;
    }
    if (path === "/stock" && (request.method === "GET" || request.method === "HEAD")) {
      page(response, 200, "Stock", listPage(data, url.searchParams.get("changed")));
      return true;
    }
    if (path === "/stock/adjust" && request.method === "POST") {
      const form = new URLSearchParams((await readRequestBody(request, 16 * 1024)).toString("utf8"));
      const result = adjust(data, form);
      if ("error" in result) {
        page(response, 400, "Stock", listPage(data, null, result.error));
        return true;
      }
      for (const webhook of stockChangeWebhooks(store, config.shop, [result.level]))
        emitter.emit({ ...webhook, shop: config.shop, apiVersion: config.apiVersion });
      response.writeHead(303, { Location: `/stock?changed=${encodeURIComponent(result.summary)}` }).end();
      return true;
    }
    page(response, 404, "Not found", `<div class="card empty"><p>Nothing at ${escapeHtml(path)}.</p></div>`);
    return true;
  };
}

/** Applies the form's change: the level and a summary (variant, new quantity), or why nothing changed. */
function adjust(data: ShopData, form: URLSearchParams): { level: InventoryLevel; summary: string } | { error: string } {
  const inventoryItemId = form.get("inventoryItemId") ?? "";
  const locationId = form.get("locationId") ?? "";
  const deltaText = (form.get("delta") ?? "").trim();
  const delta = Number(deltaText);
  if (!/^[+-]?\d+$/.test(deltaText) || delta === 0 || Math.abs(delta) > MAX_DELTA) {
    return { error: `Enter a whole number of units to add (or, with a minus sign, remove), up to ${MAX_DELTA}.` };
  }
  try {
    const [applied] = adjustInventory(data, [{ inventoryItemId, locationId, delta }]);
    const variant = data.variantOfItem(inventoryItemId);
    const name = variant ? variantName(data, variant.productId, variant.title) : inventoryItemId;
    return { level: applied!.level, summary: `${name}: ${applied!.quantityAfterChange} available` };
  } catch (error) {
    if (error instanceof StoreError) return { error: error.message };
    throw error;
  }
}

function variantName(data: ShopData, productId: string, title: string): string {
  const product = data.products.get(productId)?.title ?? productId;
  return title === "Default Title" ? product : `${product} — ${title}`;
}

function listPage(data: ShopData, changed: string | null, error?: string): string {
  const notice = error
    ? `<div class="card" role="alert"><span class="badge warn">Not changed</span> ${escapeHtml(error)}</div>`
    : changed
      ? `<div class="card" role="status"><span class="badge ok">Saved</span> ${escapeHtml(changed)}. The app was sent inventory_levels/update and products/update.</div>`
      : "";
  const rows = [...data.variants.values()]
    .sort((a, b) => a.productId.localeCompare(b.productId) || a.position - b.position)
    .flatMap((variant) =>
      [...data.inventoryLevels.values()]
        .filter((level) => level.inventoryItemId === variant.inventoryItemId)
        .map((level) => {
          const name = variantName(data, variant.productId, variant.title);
          const location = data.locations.get(level.locationId)?.name ?? level.locationId;
          const label = `Units to add to ${name} at ${location}`;
          return `<tr>
<td>${escapeHtml(name)}</td>
<td class="muted">${escapeHtml(variant.sku ?? "")}</td>
<td>${escapeHtml(location)}</td>
<td>${level.available > 0 ? String(level.available) : `<span class="badge warn">${level.available} · sold out</span>`}</td>
<td><form class="inline" method="post" action="/stock/adjust">
<input type="hidden" name="inventoryItemId" value="${escapeHtml(level.inventoryItemId)}">
<input type="hidden" name="locationId" value="${escapeHtml(level.locationId)}">
<input name="delta" type="number" step="1" value="5" size="5" aria-label="${escapeHtml(label)}">
<button type="submit">Receive</button></form></td>
</tr>`;
        }),
    );
  const table = rows.length
    ? `<div class="card"><table>
<thead><tr><th scope="col">Variant</th><th scope="col">SKU</th><th scope="col">Location</th><th scope="col">Available</th><th scope="col">Change</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table></div>`
    : `<div class="card empty"><p><strong>No products yet</strong></p></div>`;
  return `<h1>Stock</h1>
<p class="muted">As in Shopify's admin (Products → Inventory). A negative number removes units.</p>
${notice}${table}`;
}

function page(response: ServerResponse, status: number, title: string, body: string): void {
  sendHtml(response, status, inspectorPage(title, "stock", body), {
    "Content-Security-Policy": INSPECTOR_CSP,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
  });
}
