// The return request of the order page (GET/POST /proxy/orders/<id>/return?t=…):
// a separate page because it asks Shopify what is returnable and the shop's
// return reasons. Per line a quantity, a reason and (for an exchange) the
// variant wanted; a note; a photo where the reason needs one (JPEG, PNG or
// WebP, at most 1.5 MB; the page's script shrinks a larger one first). The
// policy's answer shows before sending (a "check" button, and live with
// JavaScript). Sending is POST-redirect-GET to the order page; a second send
// of the same request (a double click, a reload) lands on "already requested".
// Refused input answers 400/413/415 and writes nothing.
import { randomBytes } from "node:crypto";
import type { Locale } from "../i18n/locales.ts";
import { formatMoney } from "../money/decimal.ts";
import type { Resolution, Verdict } from "../returns/policy.ts";
import type { CustomerWish, ReturnForm } from "../returns/request-return.server.ts";
import { notFoundPage } from "./order-lookup.server.ts";
import {
  customerLocale,
  field,
  formatsFor,
  htmlPage,
  messagePage,
  orderPath,
  pagePath,
  proxyRequest,
  readForm,
  seeOther,
  shopFacts,
  tokenOpens,
  translator,
  type Formats,
  type OrderPageDeps,
  type ProxyRequest,
  type RequestInfo,
} from "./order-page-context.server.ts";
import { h, select } from "./order-page-html.ts";
import { reasonText } from "./order-page.server.ts";

export const MAX_PHOTO_BYTES = 1.5 * 1024 * 1024;
const MAX_NOTE = 1000;
const MAX_LINES = 100;
const REQUEST_KEY = /^[A-Za-z0-9_-]{16,64}$/;
/** How long a sent request's key is remembered (a reload of the POST a day later still lands on its status). */
const SENT_KEY_MS = 24 * 60 * 60 * 1000;

/** The image type of these bytes, from their signature (never from what the browser claims). */
export function imageTypeOf(bytes: Uint8Array): "image/jpeg" | "image/png" | "image/webp" | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((byte, i) => bytes[i] === byte)) return "image/png";
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.slice(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return null;
}

interface OrderFacts {
  req: ProxyRequest;
  token: string;
  locale: Locale;
  shopName: string;
  format: Formats;
  orderName: string;
  currency: string;
}

/** The verified request, the token and the order's language, or the 404/401 answer. */
async function openOrder(
  request: Request,
  deps: OrderPageDeps,
  info: RequestInfo & { orderId: string },
): Promise<OrderFacts | Response> {
  const req = proxyRequest(request, deps, info);
  if (req instanceof Response) return req;
  const token = tokenOpens(req, info.orderId, deps);
  if (!token) return notFoundPage(req, deps);
  const [shop, order] = await Promise.all([
    shopFacts(deps.db, req.shop),
    deps.db.order.findUnique({
      where: { shop_id: { shop: req.shop, id: info.orderId } },
      select: { name: true, locale: true, currency: true, customerId: true },
    }),
  ]);
  if (!order || !shop.installed) return notFoundPage(req, deps);
  const customer = order.customerId
    ? await deps.db.customer.findUnique({
        where: { shop_id: { shop: req.shop, id: order.customerId } },
        select: { locale: true },
      })
    : null;
  const locale = customerLocale(req, { customer: customer?.locale, order: order.locale, shop: shop.locale });
  return {
    req,
    token,
    locale,
    shopName: shop.name,
    format: formatsFor(locale, shop.timezone),
    orderName: order.name,
    currency: order.currency,
  };
}

function money(amount: string, currency: string, locale: Locale) {
  return formatMoney(amount, currency, locale === "ja" ? "ja-JP" : "en");
}

/** The policy's answer, as the page shows it (also the fragment the script fetches). */
export function verdictHtml(verdict: Verdict, facts: Pick<OrderFacts, "locale" | "format">, resolution: Resolution) {
  const t = translator(facts.locale);
  const reasons = verdict.reasons
    .map((reason) => `<li>${h(reasonText(reason, facts.locale, verdict.currency, facts.format))}</li>`)
    .join("");
  const m = (amount: string) => money(amount, verdict.currency, facts.locale);
  const amounts =
    verdict.decision === "approve" || verdict.decision === "review"
      ? `<dl class="amounts"><dt>${h(t("orderPage.verdict.items"))}</dt><dd>${h(m(verdict.itemsValue))}</dd>${
          verdict.restockingFee !== "0"
            ? `<dt>${h(t("orderPage.verdict.restockingFee"))}</dt><dd>−${h(m(verdict.restockingFee))}</dd>`
            : ""
        }${verdict.shippingFee !== "0" ? `<dt>${h(t("orderPage.verdict.shippingFee"))}</dt><dd>−${h(m(verdict.shippingFee))}</dd>` : ""}${
          resolution === "exchange"
            ? ""
            : `<dt><strong>${h(t(`orderPage.verdict.expected.${resolution}`))}</strong></dt><dd><strong>${h(m(verdict.expectedAmount))}</strong></dd>`
        }${verdict.creditBonus !== "0" ? `<dt>${h(t("orderPage.verdict.creditBonus"))}</dt><dd>+${h(m(verdict.creditBonus))}</dd>` : ""}</dl>`
      : "";
  return `<div class="verdict ${verdict.decision}"><strong>${h(t(`orderPage.verdict.${verdict.decision}`))}</strong><ul>${reasons}</ul>${amounts}</div>`;
}

interface ParsedWish {
  wish: CustomerWish;
  photo: { bytes: Uint8Array; type: "image/jpeg" | "image/png" | "image/webp" } | null;
  /** A photo was chosen (the script's preview sends only this flag). */
  hasPhoto: boolean;
}

type WishRead = { ok: true; parsed: ParsedWish } | { ok: false; status: 400; message: string };

type PhotoRead = { ok: true; photo: ParsedWish["photo"] } | { ok: false; status: 413 | 415; message: string };

/** The photo of the form, if one was chosen: checked before anything else happens (no Shopify call, no write). */
async function photoOf(form: FormData, locale: Locale): Promise<PhotoRead> {
  const t = translator(locale);
  const file = form.get("photo");
  if (file === null || typeof file === "string" || file.size === 0) return { ok: true, photo: null };
  if (file.size > MAX_PHOTO_BYTES) return { ok: false, status: 413, message: t("orderPage.form.errors.photoSize") };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = imageTypeOf(bytes);
  const declared = (file.type || "").toLowerCase();
  if (!type || (declared && declared !== type && !(declared === "image/jpg" && type === "image/jpeg")))
    return { ok: false, status: 415, message: t("orderPage.form.errors.photoType") };
  return { ok: true, photo: { bytes, type } };
}

/** The customer's wish from the form, checked against the form Shopify and the policy gave. */
function wishOf(form: FormData, returnForm: ReturnForm, locale: Locale, photo: ParsedWish["photo"]): WishRead {
  const t = translator(locale);
  const bad = (message: string): WishRead => ({ ok: false, status: 400, message });
  const resolution = field(form, "resolution");
  if (!(returnForm.resolutions as string[]).includes(resolution)) return bad(t("orderPage.form.errors.resolution"));
  const note = field(form, "note").trim();
  if (note.length > MAX_NOTE) return bad(t("orderPage.form.errors.note", { max: String(MAX_NOTE) }));
  const lines: CustomerWish["lines"] = [];
  const seen = new Set<string>();
  for (let i = 0; i < MAX_LINES; i += 1) {
    const lineItemId = form.get(`line_${i}`);
    if (lineItemId === null) break;
    const line = returnForm.lines.find((candidate) => candidate.lineItemId === lineItemId);
    if (!line || seen.has(line.lineItemId)) return bad(t("orderPage.form.errors.line"));
    seen.add(line.lineItemId);
    const quantityText = field(form, `qty_${i}`) || "0";
    if (!/^\d{1,4}$/.test(quantityText)) return bad(t("orderPage.form.errors.quantity"));
    const quantity = Number(quantityText);
    if (quantity === 0) continue;
    // More than Shopify can still take back is the policy's answer (too_many), or a second send.
    const reasonHandle = field(form, `reason_${i}`);
    if (!returnForm.reasons.some((reason) => reason.handle === reasonHandle))
      return bad(t("orderPage.form.errors.reason", { title: line.title }));
    const exchange = field(form, `exchange_${i}`);
    if (exchange && !line.exchangeOptions.some((option) => option.variantId === exchange))
      return bad(t("orderPage.form.errors.exchange", { title: line.title }));
    lines.push({
      lineItemId: line.lineItemId,
      quantity,
      reasonHandle,
      note: null,
      exchangeVariantId: resolution === "exchange" && exchange ? exchange : null,
    });
  }
  return {
    ok: true,
    parsed: {
      wish: { resolution: resolution as Resolution, lines, photoId: null, note: note || null },
      photo,
      hasPhoto: photo !== null || field(form, "has_photo") === "1",
    },
  };
}

const SCRIPT = `(function(){
var form=document.getElementById("return-form");if(!form||!window.fetch||!window.FormData)return;
var out=document.getElementById("verdict"),timer=null,photo=form.querySelector("input[name=photo]"),MAX=${MAX_PHOTO_BYTES};
function preview(){var data=new FormData(form);data.delete("photo");data.set("intent","preview");data.set("fragment","1");
if(photo&&photo.files&&photo.files.length)data.set("has_photo","1");
fetch(form.action,{method:"POST",body:new URLSearchParams(data)}).then(function(r){return r.ok?r.text():null}).then(function(html){if(html!==null)out.innerHTML=html}).catch(function(){});}
form.addEventListener("change",function(){clearTimeout(timer);timer=setTimeout(preview,250)});
if(photo&&window.DataTransfer&&window.HTMLCanvasElement){photo.addEventListener("change",function(){var f=photo.files&&photo.files[0];
if(!f||f.size<=MAX||!/^image\\//.test(f.type))return;var img=new Image(),url=URL.createObjectURL(f);img.onload=function(){
var scale=Math.min(1,2000/Math.max(img.width,img.height)),c=document.createElement("canvas");c.width=Math.round(img.width*scale);c.height=Math.round(img.height*scale);
c.getContext("2d").drawImage(img,0,0,c.width,c.height);URL.revokeObjectURL(url);
(function shrink(q){c.toBlob(function(b){if(!b)return;if(b.size>MAX&&q>0.4)return shrink(q-0.15);
var dt=new DataTransfer();dt.items.add(new File([b],f.name.replace(/\\.[^.]*$/,"")+".jpg",{type:"image/jpeg"}));photo.files=dt.files;},"image/jpeg",q)})(0.85);};img.src=url;});}
})();`;

function formHtml(
  facts: OrderFacts,
  orderId: string,
  returnForm: ReturnForm,
  chosen: { form: FormData | null; verdict: Verdict | null; error: string | null },
): string {
  const t = translator(facts.locale);
  const picked = (name: string) => (chosen.form ? field(chosen.form, name) : "");
  const resolutionPicked = picked("resolution") || returnForm.resolutions[0] || "refund";
  const reasonLabel = (handle: string, name: string) => {
    const key = `orderPage.returnReasons.${handle}`;
    const label = t(key);
    return label === key ? name : label;
  };
  const photoReasons = returnForm.reasons.filter((r) => returnForm.photoReasons.includes(r.handle));
  const noteReasons = returnForm.reasons.filter((r) => returnForm.noteReasons.includes(r.handle));
  const lines = returnForm.lines
    .map((line, i) => {
      if (line.finalSale || line.returnable === 0) {
        return `<fieldset><legend>${h(line.title)}</legend><p class="muted">${h(
          line.finalSale ? t("orderPage.form.finalSale") : t("orderPage.form.nothingReturnable"),
        )}</p></fieldset>`;
      }
      const qty = select(
        `qty_${i}`,
        `qty-${i}`,
        Array.from({ length: line.returnable + 1 }, (_, n) => ({
          value: String(n),
          label: String(n),
          selected: picked(`qty_${i}`) === String(n),
        })),
      );
      const reason = select(`reason_${i}`, `reason-${i}`, [
        { value: "", label: t("orderPage.form.chooseReason") },
        ...returnForm.reasons.map((r) => ({
          value: r.handle,
          label: reasonLabel(r.handle, r.name),
          selected: picked(`reason_${i}`) === r.handle,
        })),
      ]);
      const exchange =
        returnForm.resolutions.includes("exchange") && line.exchangeOptions.length
          ? `<label for="exchange-${i}">${h(t("orderPage.form.exchangeFor"))}</label>${select(
              `exchange_${i}`,
              `exchange-${i}`,
              [
                { value: "", label: t("orderPage.form.chooseVariant") },
                ...line.exchangeOptions.map((option) => ({
                  value: option.variantId,
                  label: option.inStock ? option.title : t("orderPage.form.outOfStock", { title: option.title }),
                  disabled: !option.inStock,
                  selected: picked(`exchange_${i}`) === option.variantId,
                })),
              ],
            )}`
          : "";
      return `<fieldset><legend>${h(line.title)}</legend>
<input type="hidden" name="line_${i}" value="${h(line.lineItemId)}">
<p class="muted">${h(money(line.unitPrice, returnForm.currency, facts.locale))} · ${h(t("orderPage.form.returnable", { count: line.returnable }))}</p>
<label for="qty-${i}">${h(t("orderPage.form.quantity"))}</label>${qty}
<label for="reason-${i}">${h(t("orderPage.form.reason"))}</label>${reason}
${exchange}
</fieldset>`;
    })
    .join("\n");
  // An exchange is offered where some line has another variant in stock.
  const exchangeable = returnForm.lines.some(
    (line) => !line.finalSale && line.returnable > 0 && line.exchangeOptions.some((option) => option.inStock),
  );
  const resolutions = returnForm.resolutions
    .filter((resolution) => resolution !== "exchange" || exchangeable)
    .map((resolution) => {
      const bonus =
        resolution === "store_credit" && returnForm.policy.storeCreditBonusPercent > 0
          ? ` (${t("orderPage.form.creditBonus", { percent: String(returnForm.policy.storeCreditBonusPercent) })})`
          : "";
      return `<label class="choice"><input type="radio" name="resolution" value="${h(resolution)}"${
        resolution === resolutionPicked ? " checked" : ""
      }> ${h(t(`orderPage.resolutions.${resolution}`))}${h(bonus)}</label>`;
    })
    .join("");
  const action = pagePath(facts.req, `/orders/${encodeURIComponent(orderId)}/return`, {
    t: facts.token,
    locale: facts.locale,
  });
  const error = chosen.error ? `<div class="notice error" role="alert"><p>${h(chosen.error)}</p></div>` : "";
  const verdict = chosen.verdict ? verdictHtml(chosen.verdict, facts, resolutionPicked as Resolution) : "";
  const fees = [
    returnForm.policy.restockingFeePercent > 0
      ? t("orderPage.form.restockingFee", { percent: String(returnForm.policy.restockingFeePercent) })
      : null,
    returnForm.policy.returnShippingFee !== "0"
      ? t("orderPage.form.shippingFee", {
          amount: money(returnForm.policy.returnShippingFee, returnForm.currency, facts.locale),
        })
      : null,
  ].filter(Boolean);
  return `<h1>${h(t("orderPage.form.title", { name: facts.orderName }))}</h1>
<p class="muted">${h(
    returnForm.windowEndsOn
      ? t(returnForm.windowFrom === "delivery" ? "orderPage.form.window" : "orderPage.form.windowFromShipment", {
          days: String(returnForm.policy.windowDays),
          date: facts.format.day(new Date(`${returnForm.windowEndsOn}T12:00:00Z`)),
        })
      : t("orderPage.form.intro"),
  )}</p>
${fees.length ? `<p class="muted">${h(fees.join(" "))}</p>` : ""}
${error}
<form id="return-form" method="post" action="${h(action)}" enctype="multipart/form-data">
<input type="hidden" name="request_key" value="${h(REQUEST_KEY.test(picked("request_key")) ? picked("request_key") : randomBytes(18).toString("base64url"))}">
${lines}
<fieldset><legend>${h(t("orderPage.form.resolution"))}</legend>${resolutions}</fieldset>
<label for="note">${h(t("orderPage.form.note"))}</label>
<p class="muted">${h(
    noteReasons.length
      ? t("orderPage.form.noteNeeded", { reasons: noteReasons.map((r) => reasonLabel(r.handle, r.name)).join(", ") })
      : t("orderPage.form.noteOptional"),
  )}</p>
<textarea id="note" name="note" maxlength="${MAX_NOTE}">${h(picked("note"))}</textarea>
<label for="photo">${h(t("orderPage.form.photo"))}</label>
<p class="muted">${h(
    photoReasons.length
      ? t("orderPage.form.photoNeeded", { reasons: photoReasons.map((r) => reasonLabel(r.handle, r.name)).join(", ") })
      : t("orderPage.form.photoOptional"),
  )}</p>
<input type="file" id="photo" name="photo" accept="image/jpeg,image/png,image/webp">
<div id="verdict" aria-live="polite">${verdict}</div>
<button type="submit" name="intent" value="preview" class="secondary">${h(t("orderPage.form.check"))}</button>
<button type="submit" name="intent" value="submit">${h(t("orderPage.form.submit"))}</button>
</form>
<p><a href="${h(orderPath(facts.req, orderId, facts.token, facts.locale))}">${h(t("orderPage.back"))}</a></p>`;
}

async function loadForm(deps: OrderPageDeps, facts: OrderFacts, orderId: string) {
  const api = await deps.adminApi(facts.req.shop);
  if (!api) return { api: null, form: null } as const;
  const { loadReturnForm } = await import("../returns/request-return.server.ts");
  return { api, form: await loadReturnForm(deps.db, api, facts.req.shop, orderId, deps.now?.() ?? new Date()) };
}

function unavailable(facts: OrderFacts, orderId: string) {
  const t = translator(facts.locale);
  return messagePage(facts.req, facts.locale, facts.shopName, 503, t("orderPage.errors.unavailable"), {
    href: orderPath(facts.req, orderId, facts.token, facts.locale),
    label: t("orderPage.back"),
  });
}

function closedPage(facts: OrderFacts, orderId: string, returnForm: ReturnForm) {
  const t = translator(facts.locale);
  return htmlPage({
    req: facts.req,
    locale: facts.locale,
    shopName: facts.shopName,
    title: t("orderPage.form.title", { name: facts.orderName }),
    body: `<h1>${h(t("orderPage.form.title", { name: facts.orderName }))}</h1>
<div class="notice" role="status"><p>${h(reasonText(returnForm.closed!, facts.locale, returnForm.currency, facts.format))}</p></div>
<a class="button secondary" href="${h(orderPath(facts.req, orderId, facts.token, facts.locale))}">${h(t("orderPage.back"))}</a>`,
  });
}

export async function handleReturnForm(
  request: Request,
  deps: OrderPageDeps,
  info: RequestInfo & { orderId: string },
): Promise<Response> {
  const facts = await openOrder(request, deps, info);
  if (facts instanceof Response) return facts;
  const { form } = await loadForm(deps, facts, info.orderId);
  if (form === null) return unavailable(facts, info.orderId);
  if (form.closed) return closedPage(facts, info.orderId, form);
  const t = translator(facts.locale);
  return htmlPage({
    req: facts.req,
    locale: facts.locale,
    shopName: facts.shopName,
    title: t("orderPage.form.title", { name: facts.orderName }),
    body: formHtml(facts, info.orderId, form, { form: null, verdict: null, error: null }),
    script: SCRIPT,
  });
}

/** A photo stored for a request that was not made (kept when a return points to it). */
async function forgetPhoto(deps: OrderPageDeps, shop: string, photoId: number | null) {
  if (photoId === null) return;
  if ((await deps.db.return.count({ where: { shop, photoId } })) > 0) return;
  await deps.db.returnPhoto.deleteMany({ where: { shop, id: photoId } }).catch(() => undefined);
}

/** Whether every line the customer chose is already in a return (Shopify has nothing left to return of it). */
function alreadyRequested(returnForm: ReturnForm, wish: CustomerWish): boolean {
  return (
    wish.lines.length > 0 &&
    wish.lines.every((wanted) => {
      const line = returnForm.lines.find((candidate) => candidate.lineItemId === wanted.lineItemId);
      return line !== undefined && line.returnable < wanted.quantity;
    })
  );
}

export async function handleReturnPost(
  request: Request,
  deps: OrderPageDeps,
  info: RequestInfo & { orderId: string },
): Promise<Response> {
  const facts = await openOrder(request, deps, info);
  if (facts instanceof Response) return facts;
  const t = translator(facts.locale);
  const orderId = info.orderId;
  const back = { href: orderPath(facts.req, orderId, facts.token, facts.locale), label: t("orderPage.back") };
  const read = await readForm(request);
  if (!read.ok)
    return messagePage(
      facts.req,
      facts.locale,
      facts.shopName,
      read.status,
      t(`orderPage.errors.form${read.status}`),
      back,
    );
  const copy = read.form.get("t");
  if (copy !== null && copy !== facts.token) return notFoundPage(facts.req, deps);
  const intent = field(read.form, "intent") || "submit";
  if (intent !== "preview" && intent !== "submit")
    return messagePage(facts.req, facts.locale, facts.shopName, 400, t("orderPage.errors.form400"), back);
  const fragment = field(read.form, "fragment") === "1";
  const photoRead = await photoOf(read.form, facts.locale);
  if (!photoRead.ok)
    return messagePage(facts.req, facts.locale, facts.shopName, photoRead.status, photoRead.message, {
      href: pagePath(facts.req, `/orders/${encodeURIComponent(orderId)}/return`, {
        t: facts.token,
        locale: facts.locale,
      }),
      label: t("orderPage.form.tryAgain"),
    });

  const { api, form: returnForm } = await loadForm(deps, facts, orderId);
  if (!api || returnForm === null) return unavailable(facts, orderId);
  if (returnForm.closed) return closedPage(facts, orderId, returnForm);
  const wishRead = wishOf(read.form, returnForm, facts.locale, photoRead.photo);
  const page = (status: number, verdict: Verdict | null, error: string | null) =>
    fragment
      ? new Response(
          error
            ? `<div class="notice error" role="alert"><p>${h(error)}</p></div>`
            : verdict
              ? verdictHtml(verdict, facts, (field(read.form, "resolution") || "refund") as Resolution)
              : "",
          {
            // The script shows whatever the fragment says, a problem too.
            status: 200,
            headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
          },
        )
      : htmlPage({
          req: facts.req,
          locale: facts.locale,
          shopName: facts.shopName,
          status,
          title: t("orderPage.form.title", { name: facts.orderName }),
          body: formHtml(facts, orderId, returnForm, { form: read.form, verdict, error }),
          script: SCRIPT,
        });
  if (!wishRead.ok) return page(400, null, wishRead.message);
  const { wish, photo, hasPhoto } = wishRead.parsed;
  const { previewReturnRequest, submitReturnRequest } = await import("../returns/request-return.server.ts");
  const now = deps.now?.() ?? new Date();
  // The verdict before anything is stored (a photo placeholder stands for the photo chosen).
  const verdict = await previewReturnRequest(
    deps.db,
    api,
    facts.req.shop,
    orderId,
    { ...wish, photoId: hasPhoto ? 0 : null },
    now,
  );
  if (!verdict) return notFoundPage(facts.req, deps);
  if (intent === "preview") return page(200, verdict, null);

  const toOrder = (notice: string) =>
    seeOther(
      pagePath(facts.req, `/orders/${encodeURIComponent(orderId)}`, { t: facts.token, locale: facts.locale, notice }),
    );
  if (verdict.decision === "decline" || verdict.decision === "incomplete") {
    if (alreadyRequested(returnForm, wish)) return toOrder("already_requested");
    return page(400, verdict, t("orderPage.form.errors.notSent"));
  }

  // The form's key names this one request: sent again (a double click, a reload of the POST), it is already made.
  const requestKey = field(read.form, "request_key");
  const sentKey = REQUEST_KEY.test(requestKey) ? `return-sent:${facts.req.shop}:${orderId}:${requestKey}` : null;
  if (sentKey && !(await deps.locks.take(sentKey, SENT_KEY_MS))) return toOrder("already_requested");
  const lockKey = `return:${facts.req.shop}:${orderId}`;
  if (!(await deps.locks.take(lockKey, 60_000))) return toOrder("already_requested");
  let photoId: number | null = null;
  let made = false;
  try {
    if (photo)
      photoId = (
        await deps.db.returnPhoto.create({
          data: {
            shop: facts.req.shop,
            orderId,
            contentType: photo.type,
            size: photo.bytes.byteLength,
            data: Buffer.from(photo.bytes),
          },
          select: { id: true },
        })
      ).id;
    const result = await submitReturnRequest(
      deps.db,
      api,
      facts.req.shop,
      orderId,
      { ...wish, photoId },
      { locale: facts.locale },
      now,
    );
    if (result.ok) {
      made = true;
      return toOrder("return_requested");
    }
    await forgetPhoto(deps, facts.req.shop, photoId);
    const again = await loadForm(deps, facts, orderId);
    if (again.form && alreadyRequested(again.form, wish)) return toOrder("already_requested");
    return page(400, result.verdict, t("orderPage.form.errors.notSent"));
  } catch (error) {
    await forgetPhoto(deps, facts.req.shop, photoId);
    // Shopify refuses quantities no longer returnable: another send of this request got there first.
    const again = await loadForm(deps, facts, orderId).catch(() => null);
    if (again?.form && alreadyRequested(again.form, wish)) return toOrder("already_requested");
    console.error("order page: return request failed", error instanceof Error ? error.message : error);
    return messagePage(facts.req, facts.locale, facts.shopName, 502, t("orderPage.errors.notSent"), back);
  } finally {
    await deps.locks.release(lockKey);
    if (sentKey && !made) await deps.locks.release(sentKey);
  }
}
