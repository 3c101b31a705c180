// The order's money in the admin: refund without a return (goodwill, a lost
// parcel) with Shopify's refundable amount shown first, cancel an unfulfilled
// order, and what was moved, by whom. Every step asks before it moves money.
import { Form, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, Checkbox, InlineStack, Link, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { MoneyActionView } from "../returns/money-actions.server.ts";
import { useFormat } from "./format.ts";
import { MoneyActionList } from "./MoneyActions.tsx";

export interface OrderMoneyProps {
  orderId: string;
  currency: string;
  timezone: string | null;
  /** Shopify's refundable amount, when the seller opened the refund form. */
  refundable: { maximum: string; currency: string } | null;
  refundsSeen: number;
  canCancel: boolean;
  cancelling: boolean;
  money: MoneyActionView[];
  returns: { id: string; name: string | null; status: string }[];
}

function Busy({
  intent,
  children,
  primary,
  tone,
}: {
  intent: string;
  children: string;
  primary?: boolean;
  tone?: "critical";
}) {
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";
  return (
    <Button
      submit
      variant={primary ? "primary" : undefined}
      tone={tone}
      disabled={submitting}
      loading={submitting && navigation.formData?.get("intent") === intent}
    >
      {children}
    </Button>
  );
}

function RefundForm({ refundable, seen }: { refundable: { maximum: string; currency: string }; seen: number }) {
  const { t } = useTranslation();
  const format = useFormat(null);
  const [amount, setAmount] = useState(refundable.maximum);
  const [note, setNote] = useState("");
  const [asking, setAsking] = useState(false);
  const valid =
    /^\d{1,12}(\.\d{1,3})?$/.test(amount.trim()) && Number(amount) > 0 && Number(amount) <= Number(refundable.maximum);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="refund" />
      <input type="hidden" name="seen" value={seen} />
      <BlockStack gap="200">
        <TextField
          label={t("orders.money.amount")}
          name="amount"
          value={amount}
          onChange={(value) => {
            setAmount(value);
            setAsking(false);
          }}
          inputMode="decimal"
          autoComplete="off"
          helpText={t("orders.money.refundable", { amount: format.money(refundable.maximum, refundable.currency) })}
          error={
            amount && !valid
              ? t("orders.money.amountInvalid", { amount: format.money(refundable.maximum, refundable.currency) })
              : undefined
          }
        />
        <TextField
          label={t("orders.money.note")}
          name="note"
          value={note}
          onChange={setNote}
          maxLength={255}
          autoComplete="off"
          helpText={t("orders.money.noteHelp")}
        />
        {asking ? (
          <Box background="bg-surface-secondary" padding="300" borderRadius="200">
            <BlockStack gap="200">
              <Text as="p" fontWeight="semibold">
                {t("orders.money.confirmRefund", { amount: format.money(amount.trim(), refundable.currency) })}
              </Text>
              <InlineStack gap="200">
                <Busy intent="refund" primary>
                  {t("returns.actions.confirm")}
                </Busy>
                <Button onClick={() => setAsking(false)}>{t("returns.actions.back")}</Button>
              </InlineStack>
            </BlockStack>
          </Box>
        ) : (
          <InlineStack>
            <Button onClick={() => setAsking(true)} disabled={!valid}>
              {t("orders.money.refund")}
            </Button>
          </InlineStack>
        )}
      </BlockStack>
    </Form>
  );
}

function CancelForm() {
  const { t } = useTranslation();
  const [refund, setRefund] = useState(true);
  const [restock, setRestock] = useState(true);
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <InlineStack>
        <Button tone="critical" variant="plain" onClick={() => setAsking(true)}>
          {t("orders.money.cancel")}
        </Button>
      </InlineStack>
    );
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="cancel-order" />
      <input type="hidden" name="refund" value={refund ? "1" : "0"} />
      <input type="hidden" name="restock" value={restock ? "1" : "0"} />
      <BlockStack gap="200">
        <Checkbox label={t("orders.money.cancelRefund")} checked={refund} onChange={setRefund} />
        <Checkbox label={t("orders.money.cancelRestock")} checked={restock} onChange={setRestock} />
        <Text as="p" fontWeight="semibold">
          {t("orders.money.confirmCancel")}
        </Text>
        <InlineStack gap="200">
          <Busy intent="cancel-order" tone="critical">
            {t("orders.money.cancelYes")}
          </Busy>
          <Button onClick={() => setAsking(false)}>{t("returns.actions.back")}</Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

export function OrderMoneyCard(props: OrderMoneyProps) {
  const { t } = useTranslation();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("orders.money.heading")}
        </Text>
        {props.refundable ? (
          <RefundForm refundable={props.refundable} seen={props.refundsSeen} />
        ) : (
          <InlineStack>
            <Button url={`/app/orders/${encodeURIComponent(props.orderId)}?refund=1`}>
              {t("orders.money.refundOpen")}
            </Button>
          </InlineStack>
        )}
        {props.cancelling ? (
          <Badge tone="info">{t("orders.money.cancelling")}</Badge>
        ) : props.canCancel ? (
          <CancelForm />
        ) : null}
        {props.returns.length ? (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {t("orders.money.returns")}
            </Text>
            {props.returns.map((ret) => (
              <InlineStack key={ret.id} gap="200" blockAlign="center">
                <Link url={`/app/returns/${encodeURIComponent(ret.id)}`}>{ret.name ?? t("returns.unnamed")}</Link>
                <Badge>{t(`returns.status.${ret.status}`, { defaultValue: ret.status })}</Badge>
              </InlineStack>
            ))}
          </BlockStack>
        ) : null}
        <MoneyActionList money={props.money} timezone={props.timezone} />
      </BlockStack>
    </Card>
  );
}
