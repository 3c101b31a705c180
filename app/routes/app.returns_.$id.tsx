// /app/returns/<id> — one return: the customer, the items with reasons and notes,
// the photo, the policy's verdict (the same reasons the customer read), the
// order's timeline, the money moved and who moved it; and the next step Shopify
// allows (approve or decline; label and tracking; receive and refund, credit or
// exchange; close, reopen, cancel). Amounts are Shopify's suggestion, shown
// before the seller confirms. Another shop's id is a 404.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  Divider,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../components/format.ts";
import { db } from "../db.server.ts";
import { getOrderDetail } from "../orders/order-detail.server.ts";
import { answerAdminForm, handleReturnAction } from "../returns/admin-actions.server.ts";
import { moneyActionsOfOrder } from "../returns/money-actions.server.ts";
import { ReasonList } from "../components/ReasonList.tsx";
import { ActionResult, actorName, MoneyActionList } from "../components/MoneyActions.tsx";
import { DECLINE_REASONS, returnStatusTone } from "../returns/return-labels.ts";
import { moneyActionsDone, previewProcessing, processSubject } from "../returns/return-actions.server.ts";
import { findReturn } from "../returns/returns.server.ts";
import { adminApiForShop } from "../shopify/admin-for-shop.server.ts";
import type { SuggestedOutcome } from "../returns/shopify-returns.server.ts";
import { authenticate } from "../shopify.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";

// The decline form renders in the browser too, so Shopify's reasons are listed here: a value from a
// .server module would pull that module into the client bundle, which the build refuses.

const ID = /^\d{1,24}$/;
const PHOTO_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);

/** Shopify's suggestion for each way of paying back, or why it could not be had. */
async function processingPreview(shop: string, returnId: string) {
  const api = await adminApiForShop(shop);
  if (!api) return { available: false as const };
  try {
    const [original, credit] = await Promise.all([
      previewProcessing(api, returnId, "original"),
      previewProcessing(api, returnId, "store_credit"),
    ]);
    const lines = original.ret.lines.map((line) => ({
      title: line.title,
      variantTitle: line.variantTitle,
      quantity: line.quantity,
      processable: line.processableQuantity,
      reason: line.reasonName,
      note: line.customerNote,
    }));
    const outcome = (suggestion: SuggestedOutcome) => ({ amount: suggestion.amount, currency: suggestion.currency });
    return {
      available: true as const,
      original: outcome(original.outcome),
      storeCredit: outcome(credit.outcome),
      lines,
      exchange: original.ret.exchangeLines,
      nothingLeft:
        lines.every((line) => line.processable === 0) &&
        original.ret.exchangeLines.every((line) => line.processableQuantity === 0),
    };
  } catch {
    return { available: false as const };
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const id = params.id ?? "";
  if (!ID.test(id)) throw new Response("Not found", { status: 404 });
  const database = db();
  const ret = await findReturn(database, session.shop, id);
  if (!ret) throw new Response("Not found", { status: 404 });
  const [order, shop, money, seen] = await Promise.all([
    ret.orderId ? getOrderDetail(database, session.shop, ret.orderId) : null,
    getShopProfile(database, session.shop),
    ret.orderId ? moneyActionsOfOrder(database, session.shop, ret.orderId) : [],
    moneyActionsDone(database, session.shop, processSubject(id)),
  ]);
  const preview = ret.status === "OPEN" ? await processingPreview(session.shop, id) : null;
  // Inline (at most 1.5 MB): an <img> request in the embedded admin carries no session token.
  const photo = ret.photoId
    ? await database.returnPhoto.findFirst({ where: { id: ret.photoId, shop: session.shop } })
    : null;
  return {
    ret: {
      ...ret,
      requestedAt: ret.requestedAt?.toISOString() ?? null,
      closedAt: ret.closedAt?.toISOString() ?? null,
      events: ret.events.map((event) => ({ ...event, at: event.at.toISOString() })),
    },
    order,
    money,
    seen,
    preview,
    photo:
      photo && PHOTO_TYPES.has(photo.contentType)
        ? `data:${photo.contentType};base64,${Buffer.from(photo.data).toString("base64")}`
        : null,
    timezone: shop.timezone,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { session, sessionToken } = await authenticate.admin(request);
  const id = params.id ?? "";
  const database = db();
  if (!ID.test(id) || !(await findReturn(database, session.shop, id))) throw new Response("Not found", { status: 404 });
  const answer = await answerAdminForm(
    request,
    { shop: session.shop, staffUserId: sessionToken?.sub ?? null },
    (fields, context) => handleReturnAction(database, context.api, session.shop, id, fields, context),
  );
  return data(answer, { status: answer.status });
}

function Submit({
  intent,
  children,
  tone,
  primary,
}: {
  intent: string;
  children: string;
  tone?: "critical";
  primary?: boolean;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  return (
    <Button
      submit
      variant={primary ? "primary" : undefined}
      tone={tone}
      loading={busy}
      disabled={navigation.state === "submitting"}
    >
      {children}
    </Button>
  );
}

function DeclineForm() {
  const { t } = useTranslation();
  const [reason, setReason] = useState<string>("OTHER");
  const [note, setNote] = useState("");
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="decline" />
      <input type="hidden" name="reason" value={reason} />
      <BlockStack gap="200">
        <Select
          label={t("returns.detail.declineReason")}
          options={DECLINE_REASONS.map((value) => ({ value, label: t(`returns.declineReasons.${value}`) }))}
          value={reason}
          onChange={setReason}
        />
        <TextField
          label={t("returns.detail.declineNote")}
          name="note"
          value={note}
          onChange={setNote}
          maxLength={500}
          showCharacterCount
          multiline={3}
          autoComplete="off"
          helpText={t("returns.detail.declineNoteHelp")}
        />
        <InlineStack>
          <Submit intent="decline" tone="critical">
            {t("returns.actions.decline")}
          </Submit>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

function LabelForm() {
  const { t } = useTranslation();
  const [fields, setFields] = useState({ labelUrl: "", trackingNumber: "", trackingUrl: "" });
  const set = (key: keyof typeof fields) => (value: string) => setFields((previous) => ({ ...previous, [key]: value }));
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="label" />
      <BlockStack gap="200">
        <TextField
          label={t("returns.detail.labelUrl")}
          name="labelUrl"
          value={fields.labelUrl}
          onChange={set("labelUrl")}
          type="url"
          autoComplete="off"
          helpText={t("returns.detail.labelUrlHelp")}
        />
        <TextField
          label={t("returns.detail.trackingNumber")}
          name="trackingNumber"
          value={fields.trackingNumber}
          onChange={set("trackingNumber")}
          autoComplete="off"
        />
        <TextField
          label={t("returns.detail.trackingUrl")}
          name="trackingUrl"
          value={fields.trackingUrl}
          onChange={set("trackingUrl")}
          type="url"
          autoComplete="off"
        />
        <InlineStack>
          <Submit intent="label">{t("returns.actions.addLabel")}</Submit>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

type Preview = Extract<NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["preview"]>, { available: true }>;

/** Receive and pay back: Shopify's amount for the chosen way, then a confirm step. */
function ProcessForm({ preview, seen, resolution }: { preview: Preview; seen: number; resolution: string | null }) {
  const { t } = useTranslation();
  const format = useFormat(null);
  const [method, setMethod] = useState<"original" | "store_credit">(
    resolution === "store_credit" ? "store_credit" : "original",
  );
  const [restock, setRestock] = useState(resolution !== "keep_item");
  const [confirming, setConfirming] = useState(false);
  const chosen = method === "original" ? preview.original : preview.storeCredit;
  const amount = chosen.currency ? format.money(chosen.amount, chosen.currency) : chosen.amount;
  const exchange = preview.exchange.some((line) => line.processableQuantity > 0);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="process" />
      <input type="hidden" name="method" value={method} />
      <input type="hidden" name="restock" value={restock ? "1" : "0"} />
      <input type="hidden" name="amount" value={chosen.amount} />
      <input type="hidden" name="seen" value={seen} />
      <BlockStack gap="300">
        <Select
          label={t("returns.detail.payBack")}
          options={[
            {
              value: "original",
              label: t("returns.methods.original", {
                amount: format.money(preview.original.amount, preview.original.currency || "JPY"),
              }),
            },
            {
              value: "store_credit",
              label: t("returns.methods.store_credit", {
                amount: format.money(preview.storeCredit.amount, preview.storeCredit.currency || "JPY"),
              }),
            },
          ]}
          value={method}
          onChange={(value) => {
            setMethod(value as "original" | "store_credit");
            setConfirming(false);
          }}
          helpText={t("returns.detail.suggestedBy")}
        />
        <Checkbox
          label={t("returns.detail.restock")}
          checked={restock}
          onChange={setRestock}
          helpText={t("returns.detail.restockHelp")}
        />
        {exchange ? <Text as="p">{t("returns.detail.exchangeShips")}</Text> : null}
        {confirming ? (
          <Box background="bg-surface-secondary" padding="300" borderRadius="200">
            <BlockStack gap="200">
              <Text as="p" fontWeight="semibold">
                {t(method === "original" ? "returns.detail.confirmRefund" : "returns.detail.confirmCredit", { amount })}
              </Text>
              <InlineStack gap="200">
                <Submit intent="process" primary>
                  {t("returns.actions.confirm")}
                </Submit>
                <Button onClick={() => setConfirming(false)}>{t("returns.actions.back")}</Button>
              </InlineStack>
            </BlockStack>
          </Box>
        ) : (
          <InlineStack>
            <Button variant="primary" onClick={() => setConfirming(true)}>
              {t("returns.actions.process", { amount })}
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Form>
  );
}

function OneButton({ intent, label, tone }: { intent: string; label: string; tone?: "critical" }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <Submit intent={intent} tone={tone}>
        {label}
      </Submit>
    </Form>
  );
}

export default function ReturnPage() {
  const { ret, order, money, seen, preview, photo, timezone } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation();
  const format = useFormat(timezone);
  const requested = ret.requestedLines;
  const processedAny = money.some((action) => action.kind === "return_process" && action.state === "succeeded");

  return (
    <Page
      backAction={{ content: t("returns.title"), url: "/app/returns" }}
      title={ret.name ?? t("returns.unnamed")}
      titleMetadata={
        <Badge tone={returnStatusTone(ret.status)}>
          {t(`returns.status.${ret.status}`, { defaultValue: ret.status })}
        </Badge>
      }
      subtitle={
        order
          ? t("returns.detail.subtitle", { order: order.name, customer: order.customer ?? t("common.guest") })
          : undefined
      }
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ActionResult answer={answer} />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("returns.detail.items")}
                </Text>
                {preview?.available
                  ? preview.lines.map((line, index) => (
                      <BlockStack gap="050" key={index}>
                        <Text as="p" fontWeight="semibold">
                          {line.title}
                          {line.variantTitle && line.variantTitle !== "Default Title"
                            ? ` – ${line.variantTitle}`
                            : ""}{" "}
                          × {line.quantity}
                        </Text>
                        {line.reason ? (
                          <Text as="p" tone="subdued">
                            {line.reason}
                          </Text>
                        ) : null}
                        {line.note && line.note !== ret.customerNote ? <Text as="p">“{line.note}”</Text> : null}
                      </BlockStack>
                    ))
                  : requested.map((line) => (
                      <BlockStack gap="050" key={line.lineItemId}>
                        <Text as="p" fontWeight="semibold">
                          {order?.items.find((item) => item.id === line.lineItemId)?.title ?? line.lineItemId} ×{" "}
                          {line.quantity}
                        </Text>
                        <Text as="p" tone="subdued">
                          {t(`returns.reasonHandles.${line.reasonHandle}`, { defaultValue: line.reasonHandle })}
                        </Text>
                        {line.note && line.note !== ret.customerNote ? <Text as="p">“{line.note}”</Text> : null}
                      </BlockStack>
                    ))}
                {ret.customerNote ? (
                  <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                    <BlockStack gap="100">
                      <Text as="h3" variant="headingSm">
                        {t("returns.detail.customerNote")}
                      </Text>
                      <Text as="p">{ret.customerNote}</Text>
                    </BlockStack>
                  </Box>
                ) : null}
                {photo ? (
                  <img
                    src={photo}
                    alt={t("returns.detail.photoAlt")}
                    style={{ maxWidth: "100%", maxHeight: 320, borderRadius: 8, objectFit: "contain" }}
                  />
                ) : null}
                {ret.resolution ? (
                  <Text as="p">
                    {t("returns.detail.wants", { resolution: t(`returns.resolutions.${ret.resolution}`) })}
                  </Text>
                ) : null}
                {ret.declineReason ? (
                  <Banner
                    tone="critical"
                    title={t(`returns.declineReasons.${ret.declineReason}`, { defaultValue: ret.declineReason })}
                  >
                    {ret.declineNote ? <Text as="p">{ret.declineNote}</Text> : null}
                  </Banner>
                ) : null}
                {ret.deliveries.map((delivery, index) => (
                  <InlineStack gap="200" key={index}>
                    {delivery.labelUrl ? (
                      <Link url={delivery.labelUrl} target="_blank">
                        {t("returns.detail.label")}
                      </Link>
                    ) : null}
                    {delivery.trackingUrl ? (
                      <Link url={delivery.trackingUrl} target="_blank">
                        {delivery.trackingNumber ?? t("returns.detail.tracking")}
                      </Link>
                    ) : delivery.trackingNumber ? (
                      <Text as="span">{delivery.trackingNumber}</Text>
                    ) : null}
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("returns.detail.nextStep")}
                </Text>
                {ret.status === "REQUESTED" ? (
                  <BlockStack gap="400">
                    <InlineStack>
                      <OneButton intent="approve" label={t("returns.actions.approve")} />
                    </InlineStack>
                    <Divider />
                    <DeclineForm />
                  </BlockStack>
                ) : null}
                {ret.status === "OPEN" ? (
                  <BlockStack gap="400">
                    {preview?.available ? (
                      preview.nothingLeft ? (
                        <Text as="p">{t("returns.detail.allProcessed")}</Text>
                      ) : (
                        <ProcessForm preview={preview} seen={seen} resolution={ret.resolution} />
                      )
                    ) : (
                      <Banner tone="warning" title={t("returns.detail.noPreview")} />
                    )}
                    <Divider />
                    <LabelForm />
                    <Divider />
                    <InlineStack gap="200">
                      <OneButton intent="close" label={t("returns.actions.close")} />
                      {!processedAny ? (
                        <OneButton intent="cancel" label={t("returns.actions.cancelReturn")} tone="critical" />
                      ) : null}
                    </InlineStack>
                  </BlockStack>
                ) : null}
                {ret.status === "CLOSED" ? <OneButton intent="reopen" label={t("returns.actions.reopen")} /> : null}
                {ret.status === "DECLINED" || ret.status === "CANCELED" ? (
                  <Text as="p" tone="subdued">
                    {t("returns.detail.finished")}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("returns.detail.verdict")}
                </Text>
                {ret.verdict ? (
                  <>
                    <Text as="p" fontWeight="semibold">
                      {t(`returns.decision.${ret.verdict.decision}`)}
                    </Text>
                    <ReasonList reasons={ret.verdict.reasons} currency={ret.verdict.currency} />
                    {ret.verdict.expectedAmount !== "0" ? (
                      <Text as="p" tone="subdued">
                        {t("returns.detail.expected", {
                          amount: format.money(ret.verdict.expectedAmount, ret.verdict.currency),
                        })}
                      </Text>
                    ) : null}
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    {t("returns.madeInShopifyLong")}
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("returns.detail.money")}
                </Text>
                {money.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("returns.detail.noMoney")}
                  </Text>
                ) : (
                  <MoneyActionList money={money} timezone={timezone} />
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("returns.detail.history")}
                </Text>
                {ret.events.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t("returns.detail.noHistory")}
                  </Text>
                ) : (
                  ret.events.map((event, index) => (
                    <Text as="p" key={index}>
                      {format.date(event.at)} · {t(`returns.events.${event.action}`)} · {actorName(t, event.actor)}
                    </Text>
                  ))
                )}
                {order ? (
                  <Link url={`/app/orders/${encodeURIComponent(order.id)}`}>
                    {t("returns.detail.openOrder", { order: order.name })}
                  </Link>
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
