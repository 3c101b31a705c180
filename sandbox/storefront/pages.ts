// The storefront stand-in's theme: a layout, a home page and a product page
// shaped like a basic Shopify theme (Dawn), so app blocks sit where they
// would on a real store. Product data is escaped; app block HTML comes from
// the extension's Liquid and is inserted as rendered, as Shopify does.
import { escapeHtml } from "../http.ts";

export interface ThemeVariant {
  id: string;
  title: string;
  available: boolean;
  price: string;
}

export interface ThemeProduct {
  handle: string;
  title: string;
  description: string;
  variants: ThemeVariant[];
  price: string;
  available: boolean;
}

export type ThemeLocale = "ja" | "en";

const LABELS = {
  en: {
    home: "Home",
    orders: "My orders",
    products: "Products",
    variant: "Option",
    addToCart: "Add to cart",
    soldOut: "Sold out",
    empty: "No products yet.",
    sandbox: "Sandbox storefront — not a real store",
    noCart: "The sandbox storefront has no cart.",
    back: "Back to the shop",
    language: "Language",
  },
  ja: {
    home: "ホーム",
    orders: "注文状況",
    products: "商品",
    variant: "種類",
    addToCart: "カートに追加",
    soldOut: "売り切れ",
    empty: "商品はまだありません。",
    sandbox: "サンドボックスのストア（実在の店舗ではありません）",
    noCart: "サンドボックスのストアにはカートがありません。",
    back: "ストアに戻る",
    language: "言語",
  },
} satisfies Record<ThemeLocale, Record<string, string>>;

export function themeLabels(locale: ThemeLocale) {
  return LABELS[locale];
}

const STYLE = `
  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0; font-family: "Helvetica Neue", Arial, "Hiragino Sans", "Noto Sans JP", sans-serif; color: #121212; background: #fff; line-height: 1.6; }
  a { color: inherit; }
  .announcement { background: #121212; color: #fff; text-align: center; font-size: 13px; padding: 6px; }
  .site-header { display: flex; justify-content: space-between; align-items: center; padding: 20px 40px; border-bottom: 1px solid #e6e6e6; }
  .site-header .logo { font-size: 22px; font-weight: 600; text-decoration: none; letter-spacing: .02em; }
  .site-header nav { display: flex; gap: 20px; font-size: 15px; }
  .page-width { max-width: 1200px; margin: 0 auto; padding: 40px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 28px; list-style: none; padding: 0; }
  .card a { text-decoration: none; display: block; }
  .media { aspect-ratio: 1; background: linear-gradient(135deg, #f3f3f3, #e2e2e2); display: grid; place-items: center; font-size: 56px; color: #9a9a9a; border-radius: 4px; }
  .card h3 { font-size: 16px; font-weight: 500; margin: 12px 0 4px; }
  .price { font-size: 16px; }
  .badge { display: inline-block; font-size: 12px; border-radius: 40px; padding: 2px 12px; background: #121212; color: #fff; margin-left: 8px; vertical-align: middle; }
  .product { display: grid; grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr); gap: 56px; }
  .product h1 { font-size: 36px; font-weight: 500; margin: 0 0 8px; line-height: 1.2; }
  .product .price { font-size: 20px; margin: 0 0 24px; }
  .product label { display: block; font-size: 14px; margin-bottom: 6px; }
  .product select { width: 100%; font: inherit; padding: 12px; border: 1px solid #121212; border-radius: 0; background: #fff; margin-bottom: 20px; }
  .product .add { width: 100%; font: inherit; padding: 14px; background: #121212; color: #fff; border: 0; cursor: pointer; }
  .product .add:disabled { background: #fff; color: #757575; box-shadow: inset 0 0 0 1px #c4c4c4; cursor: not-allowed; }
  .description { margin-top: 28px; color: #3d3d3d; white-space: pre-line; }
  .apps { margin-top: 28px; }
  .liquid-error { border: 1px solid #d72c0d; color: #8e1f0b; background: #fff4f4; padding: 8px 12px; font-family: monospace; font-size: 13px; }
  footer { border-top: 1px solid #e6e6e6; padding: 24px 40px; font-size: 13px; color: #757575; display: flex; justify-content: space-between; }
  @media (max-width: 750px) { .product { grid-template-columns: 1fr; gap: 24px; } .page-width, .site-header { padding: 20px; } }
`;

export interface LayoutInput {
  shopName: string;
  locale: ThemeLocale;
  title: string;
  body: string;
  /** The current path with ?locale= set to each language, for the switcher. */
  localeLinks: Record<ThemeLocale, string>;
  head?: string;
  /** The customer's order page through the app proxy (the look-up; notices link to each order). */
  ordersPath?: string;
}

export function layout(input: LayoutInput): string {
  const labels = LABELS[input.locale];
  const switcher = (["ja", "en"] as const)
    .map((code) =>
      code === input.locale
        ? `<strong aria-current="true">${code === "ja" ? "日本語" : "English"}</strong>`
        : `<a href="${escapeHtml(input.localeLinks[code])}" hreflang="${code}" lang="${code}">${code === "ja" ? "日本語" : "English"}</a>`,
    )
    .join(" / ");
  return `<!doctype html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} – ${escapeHtml(input.shopName)}</title>
<style>${STYLE}</style>
${input.head ?? ""}
</head>
<body>
<div class="announcement">${labels.sandbox}</div>
<header class="site-header">
<a class="logo" href="/store?locale=${input.locale}">${escapeHtml(input.shopName)}</a>
<nav aria-label="${labels.language}"><a href="/store?locale=${input.locale}">${labels.home}</a><a href="${escapeHtml(`${input.ordersPath ?? "/apps/kizuna/orders"}?locale=${input.locale}`)}">${labels.orders}</a><span>${switcher}</span></nav>
</header>
<main id="MainContent" class="page-width">
${input.body}
</main>
<footer><span>© ${escapeHtml(input.shopName)}</span><span>Powered by the Kizuna sandbox</span></footer>
</body>
</html>`;
}

export function homeBody(products: ThemeProduct[], locale: ThemeLocale): string {
  const labels = LABELS[locale];
  if (products.length === 0) return `<h1>${labels.products}</h1><p>${labels.empty}</p>`;
  const cards = products
    .map(
      (product) => `<li class="card"><a href="/store/products/${encodeURIComponent(product.handle)}?locale=${locale}">
<div class="media" aria-hidden="true">${escapeHtml([...product.title][0] ?? "")}</div>
<h3>${escapeHtml(product.title)}</h3>
<span class="price">${escapeHtml(product.price)}</span>${product.available ? "" : `<span class="badge">${labels.soldOut}</span>`}
</a></li>`,
    )
    .join("\n");
  return `<h1>${labels.products}</h1><ul class="grid">${cards}</ul>`;
}

export interface ProductBodyInput {
  product: ThemeProduct;
  selected: ThemeVariant;
  locale: ThemeLocale;
  /** Rendered app blocks (target "section"), already HTML. */
  appBlocks: string;
}

export function productBody({ product, selected, locale, appBlocks }: ProductBodyInput): string {
  const labels = LABELS[locale];
  const options = product.variants
    .map(
      (variant) =>
        `<option value="${escapeHtml(variant.id)}"${variant.id === selected.id ? " selected" : ""}>${escapeHtml(variant.title)}${
          variant.available ? "" : ` – ${labels.soldOut}`
        }</option>`,
    )
    .join("");
  // One variant named "Default Title" means the product has no options: Shopify themes hide the picker.
  const hasOnlyDefault = product.variants.length === 1 && product.variants[0]?.title === "Default Title";
  const picker = hasOnlyDefault
    ? `<input type="hidden" name="id" value="${escapeHtml(selected.id)}">`
    : `<label for="product-variant">${labels.variant}</label><select id="product-variant" name="id">${options}</select>`;
  const data = {
    variants: product.variants.map(({ id, available, price }) => ({ id, available, price })),
    labels: { addToCart: labels.addToCart, soldOut: labels.soldOut },
  };
  return `<section class="product">
<div class="media" aria-hidden="true">${escapeHtml([...product.title][0] ?? "")}</div>
<div class="product-info">
<h1>${escapeHtml(product.title)}</h1>
<p class="price" data-price>${escapeHtml(selected.price)}</p>
<form method="post" action="/store/cart/add" class="product-form">
${picker}
<button type="submit" class="add" data-add-to-cart${selected.available ? "" : " disabled"}>${selected.available ? labels.addToCart : labels.soldOut}</button>
</form>
<div class="apps">
${appBlocks}
</div>
<div class="description">${escapeHtml(product.description)}</div>
</div>
</section>
<script type="application/json" id="product-json">${scriptJson(data)}</script>
<script src="/store/assets/theme.js" defer></script>`;
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

export function liquidError(where: string, message: string): string {
  return `<div class="liquid-error" role="alert">Liquid error (${escapeHtml(where)}): ${escapeHtml(message)}</div>`;
}

/** The theme's own script: the variant picker updates the URL, price and button, as Dawn does. */
export const THEME_JS = `(() => {
  const data = JSON.parse(document.getElementById("product-json")?.textContent || "null");
  const picker = document.querySelector('form.product-form select[name="id"]');
  if (!data || !picker) return;
  picker.addEventListener("change", () => {
    const variant = data.variants.find((item) => item.id === picker.value);
    if (!variant) return;
    const url = new URL(window.location.href);
    url.searchParams.set("variant", variant.id);
    window.history.replaceState({}, "", url);
    document.querySelector("[data-price]").textContent = variant.price;
    const button = document.querySelector("[data-add-to-cart]");
    button.disabled = !variant.available;
    button.textContent = variant.available ? data.labels.addToCart : data.labels.soldOut;
    document.dispatchEvent(new CustomEvent("variant:change", { detail: { variant } }));
  });
})();
`;

export function noCartBody(locale: ThemeLocale): string {
  const labels = LABELS[locale];
  return `<p>${labels.noCart}</p><p><a href="/store?locale=${locale}">${labels.back}</a></p>`;
}
