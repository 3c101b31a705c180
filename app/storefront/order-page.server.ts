// The customer's order page (GET /proxy/orders/<id>?t=<token>, storefront
// /apps/kizuna/orders/<id>): opened by the signed link of every notice, no
// login. From the mirror only — no Admin API call — so that it stays fast for
// many shoppers at once: the timeline (ordered, shipped with carrier and
// tracking, the carrier's scans, delay cases with what the notice said,
// delivered, cancelled), the items, the order's returns with their status and
// what happened (refunds with amount, method and day), and what the customer
// may do next (request a return, cancel an unshipped order).
// A wrong or old token, an unknown order and another shop's order all answer
// the same 404 look-up page.
import { RETURN_STATUSES } from "../returns/return-labels.ts";
import { customerName } from "../customers/names.ts";
import { customerActionOf, customerReason, customerReasonJa } from "../delays/reasons.ts";
import type { Locale } from "../i18n/locales.ts";
import { formatMoney, multiplyDecimal } from "../money/decimal.ts";
import { trackingVariables } from "../notices/order-updates.server.ts";
import { returnable, type VerdictReason } from "../returns/policy.ts";
import { notFoundPage, openOrderRequest } from "./order-lookup.server.ts";
import {
  customerLocale,
  formatsFor,
  htmlPage,
  orderPath,
  pagePath,
  translator,
  type Formats,
  type OrderPageDeps,
  type ProxyRequest,
  type RequestInfo,
} from "./order-page-context.server.ts";
import { h, safeUrl, timeline, type TimelineView } from "./order-page-html.ts";
import { MAX_ORDER_PAGE_MESSAGE } from "../inbox/channels/order-page.server.ts";
import { readOrderPage, type OrderPageData } from "./order-page-read.server.ts";

const SCAN_STATUSES = new Set([
  "ATTEMPTED_DELIVERY",
  "CARRIER_PICKED_UP",
  "CONFIRMED",
  "DELAYED",
  "DELIVERED",
  "FAILURE",
  "IN_TRANSIT",
  "LABEL_PRINTED",
  "LABEL_PURCHASED",
  "OUT_FOR_DELIVERY",
  "READY_FOR_PICKUP",
]);
const KNOWN_STATUSES: ReadonlySet<string> = new Set(RETURN_STATUSES);
const RETURN_EVENTS = new Set([
  "requested",
  "auto_approved",
  "approved",
  "declined",
  "label_added",
  "processed",
  "closed",
  "reopened",
  "cancelled",
]);
const NOTICES = new Set(["return_requested", "already_requested", "cancel_requested", "message_sent"]);

type Loaded = OrderPageData;

function delivery(loaded: Loaded) {
  const live = loaded.fulfillments.filter((f) => f.status?.toLowerCase() !== "cancelled");
  const created = live.map((f) => f.shopifyCreatedAt).filter((d): d is Date => d !== null);
  const fulfilledAt = created.length ? new Date(Math.min(...created.map((d) => d.getTime()))) : null;
  const deliveredScan = loaded.scans
    .filter((scan) => scan.status.toUpperCase() === "DELIVERED" && scan.happenedAt)
    .sort((a, b) => b.happenedAt!.getTime() - a.happenedAt!.getTime())[0];
  const deliveredParcel = live.find((f) => f.shipmentStatus?.toLowerCase() === "delivered");
  const deliveredAt = deliveredScan?.happenedAt ?? deliveredParcel?.shopifyUpdatedAt ?? null;
  return { live, fulfilledAt, deliveredAt, delivered: Boolean(deliveredScan || deliveredParcel) };
}

/** Unit price × quantity (the line's total), exact; a price that is not a decimal is shown as it is. */
function lineTotal(price: string, quantity: number): string {
  try {
    return multiplyDecimal(price, quantity);
  } catch {
    return price;
  }
}

function money(amount: string | null, currency: string | null, locale: Locale): string {
  return amount && currency ? formatMoney(amount, currency, locale === "ja" ? "ja-JP" : "en") : "";
}

/** A verdict reason in the customer's words (orderPage.reasons.<code> with its parameters). */
export function reasonText(reason: VerdictReason, locale: Locale, currency: string, format: Formats): string {
  const t = translator(locale);
  switch (reason.code) {
    case "over_auto_amount":
      return t("orderPage.reasons.over_auto_amount", { limit: money(reason.limit, currency, locale) });
    case "outside_window":
      return t("orderPage.reasons.outside_window", {
        days: String(reason.days),
        endedOn: format.day(new Date(`${reason.endedOn}T12:00:00Z`)),
      });
    case "too_many":
      return t("orderPage.reasons.too_many", { title: reason.title, returnable: String(reason.returnable) });
    case "resolution_not_offered":
      return t("orderPage.reasons.resolution_not_offered", {
        resolution: t(`orderPage.resolutions.${reason.resolution}`),
      });
    case "final_sale":
    case "needs_photo":
    case "needs_note":
    case "exchange_needs_variant":
    case "exchange_out_of_stock":
    case "keep_item":
      return t(`orderPage.reasons.${reason.code}`, { title: reason.title });
    default:
      return t(`orderPage.reasons.${reason.code}`);
  }
}

function timelineOf(loaded: Loaded, locale: Locale, format: Formats): TimelineView[] {
  const t = translator(locale);
  const { order } = loaded;
  const entries: (TimelineView & { sort: number })[] = [];
  const add = (at: Date, view: Omit<TimelineView, "at" | "when">) =>
    entries.push({ ...view, at: at.toISOString(), when: format.time(at), sort: at.getTime() });

  add(order.shopifyCreatedAt, { title: t("orderPage.timeline.ordered"), tone: "key" });
  if (order.cancelledAt) add(order.cancelledAt, { title: t("orderPage.timeline.cancelled"), tone: "warn" });
  for (const parcel of loaded.fulfillments) {
    if (!parcel.shopifyCreatedAt || parcel.status?.toLowerCase() === "cancelled") continue;
    const tracking = trackingVariables(parcel);
    const url = safeUrl(tracking.trackingUrl);
    const detail = [
      tracking.carrier ? t("orderPage.timeline.carrier", { carrier: tracking.carrier }) : null,
      tracking.trackingNumber ? t("orderPage.timeline.trackingNumber", { number: tracking.trackingNumber }) : null,
    ]
      .filter(Boolean)
      .join(" · ");
    add(parcel.shopifyCreatedAt, {
      title: t("orderPage.timeline.shipped"),
      detail: detail || null,
      link: url ? { href: url, label: t("orderPage.timeline.track") } : null,
      tone: "key",
    });
  }
  let deliveredShown = false;
  for (const scan of loaded.scans) {
    if (!scan.happenedAt) continue;
    const status = scan.status.toUpperCase();
    const place = [scan.city, scan.province, scan.country].filter(Boolean).join(", ");
    const title = t(`orderPage.scan.${SCAN_STATUSES.has(status) ? status : "OTHER"}`);
    // A carrier message that only repeats the status ("Delivered", "IN_TRANSIT") adds nothing.
    const plain = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, "");
    const message =
      scan.message && plain(scan.message) !== plain(status) && scan.message !== title ? scan.message : null;
    const detail = [message, place].filter(Boolean).join(" — ") || null;
    if (status === "DELIVERED") deliveredShown = true;
    add(scan.happenedAt, {
      title,
      detail,
      tone:
        status === "DELIVERED" ? "key" : ["DELAYED", "FAILURE", "ATTEMPTED_DELIVERY"].includes(status) ? "warn" : null,
    });
  }
  if (!deliveredShown) {
    const parcel = loaded.fulfillments.find((f) => f.shipmentStatus?.toLowerCase() === "delivered");
    const at = parcel?.shopifyUpdatedAt ?? parcel?.shopifyCreatedAt;
    if (at) add(at, { title: t("orderPage.scan.DELIVERED"), tone: "key" });
  }
  for (const delay of loaded.cases) {
    // What the delay notice said (the same words, in the customer's language).
    const said =
      locale === "ja" ? customerReasonJa(delay.rule, delay.reason) : customerReason(delay.rule, delay.reason);
    const action = customerActionOf(delay.rule, delay.reason)?.[locale] ?? null;
    add(delay.openedAt, {
      title: t("orderPage.timeline.delay"),
      detail: [t("orderPage.timeline.delayWhy", { reason: said }), action].filter(Boolean).join(" "),
      tone: "warn",
    });
    if (delay.resolvedAt) add(delay.resolvedAt, { title: t("orderPage.timeline.delayResolved") });
  }
  for (const action of loaded.actions) {
    if (action.state !== "succeeded" || action.kind === "order_cancel") continue;
    const at = action.finishedAt ?? action.createdAt;
    const amount = money(action.amount, action.currency, locale);
    const key = action.method === "store_credit" ? "orderPage.money.storeCredit" : "orderPage.money.refunded";
    add(at, { title: t(key, { amount, date: format.day(at) }), tone: "key" });
  }
  entries.sort((a, b) => b.sort - a.sort);
  return entries.map(({ sort: _sort, ...view }) => view);
}

function statusOf(loaded: Loaded, shipped: ReturnType<typeof delivery>, cancelling: boolean) {
  const openDelay = loaded.cases.some((c) => c.resolvedAt === null);
  if (loaded.order.cancelledAt) return { key: "cancelled", tone: "bad" };
  if (cancelling) return { key: "cancelling", tone: "warn" };
  if (shipped.delivered) return { key: "delivered", tone: "ok" };
  if (openDelay) return { key: "delayed", tone: "warn" };
  if (shipped.live.length) return { key: "shipped", tone: "" };
  return { key: "preparing", tone: "" };
}

type LoadedReturn = Loaded["returns"][number];

/** A return's lines: what the customer asked for (Kizuna's request), else Shopify's return lines. */
function linesOfReturn(ret: LoadedReturn): { lineItemId: string; quantity: number }[] {
  try {
    const parsed: unknown = JSON.parse(ret.requestedLines ?? ret.lineItems ?? "[]");
    if (!Array.isArray(parsed)) return [];
    return parsed.map((line: Record<string, unknown>) => ({
      lineItemId: String(line.lineItemId ?? line.line_item_id ?? ""),
      quantity: Number(line.quantity ?? 0),
    }));
  } catch {
    return [];
  }
}

/** Every item of the order is in a return that was not declined or cancelled: nothing is left to ask for. */
function everythingInReturns(loaded: Loaded): boolean {
  const asked = new Map<string, number>();
  for (const ret of loaded.returns) {
    if (ret.status === "DECLINED" || ret.status === "CANCELED") continue;
    for (const line of linesOfReturn(ret))
      asked.set(line.lineItemId, (asked.get(line.lineItemId) ?? 0) + line.quantity);
  }
  return loaded.items.length > 0 && loaded.items.every((item) => (asked.get(item.id) ?? 0) >= item.quantity);
}

function returnsSection(loaded: Loaded, locale: Locale, format: Formats): string {
  if (!loaded.returns.length) return "";
  const t = translator(locale);
  const titleOf = new Map(
    loaded.items.map((item) => [item.id, item.variantTitle ? `${item.title} – ${item.variantTitle}` : item.title]),
  );
  const blocks = loaded.returns.map((ret) => {
    const status = KNOWN_STATUSES.has(ret.status) ? ret.status : "OTHER";
    const lines = linesOfReturn(ret);
    const items = lines
      .filter((line) => titleOf.has(line.lineItemId))
      .map((line) => `<li><span>${h(titleOf.get(line.lineItemId))}</span><span>× ${h(line.quantity)}</span></li>`)
      .join("");
    const events: TimelineView[] = loaded.returnEvents
      .filter((event) => event.returnId === ret.id && RETURN_EVENTS.has(event.action))
      .map((event) => ({
        at: event.at.toISOString(),
        when: format.time(event.at),
        title: t(`orderPage.returns.events.${event.action}`),
        detail:
          event.action === "requested"
            ? event.detail
            : event.action === "label_added" && event.detail
              ? t("orderPage.returns.trackingNumber", { number: event.detail })
              : null,
      }))
      .reverse();
    for (const action of loaded.actions) {
      if (action.returnId !== ret.id) continue;
      const amount = money(action.amount, action.currency, locale);
      if (action.state === "succeeded") {
        const at = action.finishedAt ?? action.createdAt;
        const key = action.method === "store_credit" ? "orderPage.money.storeCredit" : "orderPage.money.refunded";
        events.unshift({
          at: at.toISOString(),
          when: format.time(at),
          title: t(key, { amount, date: format.day(at) }),
        });
      } else if (action.state === "pending" || action.state === "calling") {
        events.unshift({
          at: action.createdAt.toISOString(),
          when: format.time(action.createdAt),
          title: t("orderPage.money.inProgress", { amount }),
        });
      }
    }
    let deliveries: { labelUrl?: string | null; trackingUrl?: string | null; trackingNumber?: string | null }[] = [];
    try {
      const parsed: unknown = JSON.parse(ret.reverseDeliveries || "[]");
      if (Array.isArray(parsed)) deliveries = parsed as typeof deliveries;
    } catch {
      deliveries = [];
    }
    const labels = deliveries
      .map((d) => {
        const label = safeUrl(d.labelUrl);
        const track = safeUrl(d.trackingUrl);
        return [
          label
            ? `<a class="button secondary" href="${h(label)}" rel="noopener noreferrer" target="_blank">${h(t("orderPage.returns.label"))}</a>`
            : "",
          track
            ? `<a href="${h(track)}" rel="noopener noreferrer" target="_blank">${h(t("orderPage.returns.trackReturn"))}</a>`
            : "",
        ].join("");
      })
      .join("");
    const declined =
      ret.status === "DECLINED" && ret.declineReason
        ? `<p>${h(t(`orderPage.returns.declineReasons.${["FINAL_SALE", "RETURN_PERIOD_ENDED"].includes(ret.declineReason) ? ret.declineReason : "OTHER"}`))}</p>${ret.declineNote ? `<p class="muted">${h(ret.declineNote)}</p>` : ""}`
        : "";
    // Received and settled but not closed yet: "send the items back" would no longer be true.
    const received =
      status === "OPEN" &&
      loaded.returnEvents.some((event) => event.returnId === ret.id && event.action === "processed");
    const tone =
      status === "DECLINED" || status === "CANCELED"
        ? "bad"
        : status === "CLOSED"
          ? "ok"
          : status === "REQUESTED"
            ? "warn"
            : "";
    return `<div class="card return" id="return-${h(ret.id)}">
<h3>${h(t("orderPage.returns.heading", { name: ret.name ?? ret.id }))} <span class="status ${tone}">${h(t(`orderPage.returns.status.${status}`))}</span></h3>
<p class="muted">${h(t(`orderPage.returns.explain.${received ? "RECEIVED" : status}`))}</p>
${declined}${items ? `<ul class="items">${items}</ul>` : ""}
${labels}
${events.length ? timeline(events) : ""}
</div>`;
  });
  return `<section aria-labelledby="returns-heading"><h2 id="returns-heading">${h(t("orderPage.returns.title"))}</h2>${blocks.join("\n")}</section>`;
}

/** The conversation about this order from this page, and a form to write (contact us about this order). */
function messagesSection(loaded: Loaded, req: ProxyRequest, token: string, locale: Locale, format: Formats): string {
  const t = translator(locale);
  const action = pagePath(req, `/orders/${encodeURIComponent(loaded.order.id)}/contact`, { t: token, locale });
  const list = loaded.messages
    .map(
      (message) =>
        `<li class="${message.direction === "outgoing" ? "shop" : "you"}"><span class="who">${h(
          message.direction === "outgoing" ? loaded.shop.name : t("orderPage.contact.you"),
        )} · <time datetime="${message.createdAt.toISOString()}">${h(format.time(message.createdAt))}</time></span><span class="text">${h(message.text)}</span></li>`,
    )
    .join("");
  return `<section class="card" id="messages" aria-labelledby="messages-heading"><h2 id="messages-heading">${h(t("orderPage.contact.title"))}</h2>
${list ? `<ol class="messages">${list}</ol>` : `<p class="muted">${h(t("orderPage.contact.intro"))}</p>`}
<form method="post" action="${h(action)}">
<input type="hidden" name="t" value="${h(token)}"><input type="hidden" name="submission" value="${h(req.nonce.replace(/[^A-Za-z0-9_-]/g, ""))}">
<label for="message">${h(t(list ? "orderPage.contact.reply" : "orderPage.contact.label"))}</label>
<textarea id="message" name="message" required maxlength="${MAX_ORDER_PAGE_MESSAGE}"></textarea>
<button type="submit">${h(t("orderPage.contact.send"))}</button>
</form></section>`;
}

// Which of the seller's answers an order in this state most likely needs, first.
const TOPICS_BY_STATUS: Record<string, string[]> = {
  preparing: ["shipping", "payment"],
  shipped: ["shipping", "customs"],
  delayed: ["shipping", "customs"],
  delivered: ["returns", "sizes"],
  cancelling: ["payment"],
  cancelled: ["payment"],
};
const MAX_ANSWERS = 4;

/** The seller's short answers that fit this order (in the customer's language, else the other). */
function answersFor(loaded: Loaded, status: string, locale: Locale) {
  const first = TOPICS_BY_STATUS[status] ?? [];
  const topics = [...first, ...new Set(loaded.answers.map((answer) => answer.topic))].filter(
    (topic, index, all) => all.indexOf(topic) === index,
  );
  return topics
    .map(
      (topic) =>
        loaded.answers.find((answer) => answer.topic === topic && answer.locale === locale) ??
        loaded.answers.find((answer) => answer.topic === topic),
    )
    .filter((answer): answer is Loaded["answers"][number] => answer !== undefined)
    .slice(0, MAX_ANSWERS);
}

/** "Answers to common questions": each opens in place; opening one counts a read (a beacon, once a page). */
function helpSection(answers: Loaded["answers"], locale: Locale): string {
  if (!answers.length) return "";
  const t = translator(locale);
  const items = answers
    .map(
      (answer) =>
        `<details data-answer="${h(answer.id)}" data-topic="${h(answer.topic)}"><summary>${h(answer.title)}</summary><p class="text">${h(answer.body)}</p></details>`,
    )
    .join("");
  return `<section class="card help" aria-labelledby="help-heading"><h2 id="help-heading">${h(t("orderPage.answers.title"))}</h2>${items}</section>`;
}

function helpScript(req: ProxyRequest, orderId: string, token: string): string {
  const url = pagePath(req, `/orders/${encodeURIComponent(orderId)}/help`, { t: token });
  // JSON in a script: "<" escaped, so no text can close the script element.
  const literal = JSON.stringify(url).replace(/</g, "\\u003c");
  return `document.querySelectorAll("details[data-answer]").forEach(function(d){d.addEventListener("toggle",function(){if(!d.open||d.getAttribute("data-read"))return;d.setAttribute("data-read","1");if(navigator.sendBeacon)navigator.sendBeacon(${literal},new URLSearchParams({answer:d.getAttribute("data-answer")}));});});`;
}

export interface OrderPageView {
  locale: Locale;
  html: string;
  refresh: boolean;
  shopName: string;
  title: string;
  script: string | null;
}

/** The order page for a verified request whose token opens `orderId`, or null when the order is not this shop's. */
export async function renderOrderPage(
  req: ProxyRequest,
  deps: OrderPageDeps,
  orderId: string,
  token: string,
): Promise<OrderPageView | null> {
  const loaded = await readOrderPage(deps.db, req.shop, orderId);
  if (!loaded || !loaded.shop.installed) return null;
  const { shop } = loaded;
  const { order } = loaded;
  const locale = customerLocale(req, { customer: loaded.customer?.locale, order: order.locale, shop: shop.locale });
  const t = translator(locale);
  const format = formatsFor(locale, shop.timezone);
  const now = deps.now?.() ?? new Date();
  const shipped = delivery(loaded);
  const name = loaded.customer ? customerName(loaded.customer.firstName, loaded.customer.lastName, locale) : null;
  const noticeParam = req.url.searchParams.get("notice") ?? "";

  const cancelAction = loaded.actions.find((action) => action.kind === "order_cancel");
  const cancelPending =
    !order.cancelledAt &&
    cancelAction !== undefined &&
    ["pending", "calling", "succeeded"].includes(cancelAction.state);
  const cancelFailed = !order.cancelledAt && cancelAction?.state === "failed";
  const status = statusOf(loaded, shipped, cancelPending);
  const unfulfilled =
    shipped.live.length === 0 &&
    !["fulfilled", "partial", "partially_fulfilled"].includes((order.fulfillmentStatus ?? "").toLowerCase());
  const canCancel = loaded.policy.allowCancel && !order.cancelledAt && unfulfilled && !cancelPending;
  const closed: VerdictReason | null = returnable(
    {
      currency: order.currency,
      cancelled: order.cancelledAt !== null,
      deliveredAt: shipped.deliveredAt,
      fulfilledAt: shipped.fulfilledAt,
      lines: [],
    },
    loaded.policy,
    now,
  );

  // The cancellation's own progress says what its notice would.
  const notice =
    NOTICES.has(noticeParam) && !(cancelPending && noticeParam === "cancel_requested")
      ? `<div class="notice" role="status"><p>${h(t(`orderPage.notices.${noticeParam}`))}</p></div>`
      : "";
  const progress = cancelPending
    ? `<div class="notice" role="status"><p><strong>${h(t("orderPage.cancel.pending"))}</strong></p><p class="muted">${h(t("orderPage.cancel.pendingHelp"))}</p></div>`
    : cancelFailed
      ? `<div class="notice error" role="alert"><p>${h(t("orderPage.cancel.failed"))}</p></div>`
      : "";
  const items = loaded.items
    .map(
      (item) =>
        `<li><span>${h(item.variantTitle ? `${item.title} – ${item.variantTitle}` : item.title)} × ${h(item.quantity)}</span><span>${h(money(lineTotal(item.price, item.quantity), order.currency, locale))}</span></li>`,
    )
    .join("");

  const actions: string[] = [];
  if (!order.cancelledAt && shipped.live.length > 0) {
    if (closed === null && everythingInReturns(loaded)) {
      actions.push(`<p class="muted">${h(t("orderPage.actions.allInReturns"))}</p>`);
    } else if (closed === null) {
      const ends = shipped.deliveredAt ?? shipped.fulfilledAt;
      const until = ends ? format.day(new Date(ends.getTime() + loaded.policy.windowDays * 86_400_000)) : null;
      actions.push(
        `<a class="button" href="${h(pagePath(req, `/orders/${encodeURIComponent(orderId)}/return`, { t: token, locale }))}">${h(t("orderPage.actions.return"))}</a>`,
        until ? `<p class="muted">${h(t("orderPage.actions.returnUntil", { date: until }))}</p>` : "",
      );
    } else {
      actions.push(`<p class="muted">${h(reasonText(closed, locale, order.currency, format))}</p>`);
    }
  }
  if (canCancel)
    actions.push(
      `<a class="button secondary" href="${h(pagePath(req, `/orders/${encodeURIComponent(orderId)}/cancel`, { t: token, locale }))}">${h(t("orderPage.actions.cancel"))}</a>`,
    );

  const answers = answersFor(loaded, status.key, locale);
  const greeting = name ? t("orderPage.greeting", { name }) : t("orderPage.greetingNoName");
  const title = t("orderPage.title", { name: order.name });
  const html = `<p class="muted">${h(greeting)}</p>
<h1>${h(title)}</h1>
<p class="muted">${h(t("orderPage.placedOn", { date: format.day(order.shopifyCreatedAt), shop: shop.name }))}</p>
<p><span class="status ${status.tone}">${h(t(`orderPage.status.${status.key}`))}</span></p>
${notice}${progress}
${actions.length ? `<section class="card" aria-label="${h(t("orderPage.actions.title"))}">${actions.join("\n")}</section>` : ""}
<section class="card" aria-labelledby="timeline-heading"><h2 id="timeline-heading">${h(t("orderPage.timeline.title"))}</h2>
${timeline(timelineOf(loaded, locale, format))}
</section>
${returnsSection(loaded, locale, format)}
${helpSection(answers, locale)}
${messagesSection(loaded, req, token, locale, format)}
<section class="card" aria-labelledby="items-heading"><h2 id="items-heading">${h(t("orderPage.items"))}</h2>
<ul class="items">${items}<li><strong>${h(t("orderPage.total"))}</strong><strong>${h(money(order.totalPrice, order.currency, locale))}</strong></li></ul>
</section>
<p class="muted">${h(t("orderPage.help", { shop: shop.name }))}</p>
<p><a href="${h(orderPath(req, orderId, token, locale === "ja" ? "en" : "ja"))}" hreflang="${locale === "ja" ? "en" : "ja"}">${locale === "ja" ? "English" : "日本語"}</a></p>`;
  return {
    locale,
    html,
    refresh: cancelPending,
    shopName: shop.name,
    title,
    script: answers.length ? helpScript(req, orderId, token) : null,
  };
}

export async function handleOrderPage(
  request: Request,
  deps: OrderPageDeps,
  info: RequestInfo & { orderId: string },
): Promise<Response> {
  const opened = await openOrderRequest(request, deps, info);
  if (opened instanceof Response) return opened;
  const { req, token } = opened;
  const view = await renderOrderPage(req, deps, info.orderId, token);
  if (!view) return notFoundPage(req, deps);
  return htmlPage({
    req,
    locale: view.locale,
    shopName: view.shopName,
    title: view.title,
    body: view.html,
    ...(view.refresh ? { refreshSeconds: 5 } : {}),
    ...(view.script ? { script: view.script } : {}),
  });
}
