// What the return and order pages share about money: the answer to the seller's
// last action, who did something (in the admin's words), and the list of money
// actions with their state and Shopify's refusals.
import { Badge, Banner, BlockStack, InlineStack, Text } from "@shopify/polaris";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import type { ActionAnswer } from "../returns/admin-actions.server.ts";
import type { MoneyActionView } from "../returns/money-actions.server.ts";
import { useFormat } from "./format.ts";

/** "staff member 902541635", "the customer", "the return policy". */
export function actorName(t: TFunction, actor: string | null): string {
  if (!actor) return t("returns.actors.unknown");
  if (actor.startsWith("staff:")) return t("returns.actors.staff", { id: actor.slice("staff:".length) });
  return t(`returns.actors.${actor}`, { defaultValue: actor });
}

/** The answer to the seller's last action: done, in progress (202) or refused with Shopify's words. */
export function ActionResult({ answer }: { answer: ActionAnswer | undefined }) {
  if (!answer) return null;
  return (
    <Banner tone={answer.ok ? (answer.status === 202 ? "info" : "success") : "critical"} title={answer.message}>
      {answer.details?.length ? (
        <BlockStack gap="100">
          {answer.details.map((line) => (
            <Text as="p" key={line}>
              {line}
            </Text>
          ))}
        </BlockStack>
      ) : null}
    </Banner>
  );
}

export function MoneyActionList({ money, timezone }: { money: MoneyActionView[]; timezone: string | null }) {
  const { t } = useTranslation();
  const format = useFormat(timezone);
  return (
    <BlockStack gap="200">
      {money.map((action) => (
        <BlockStack gap="050" key={action.id}>
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" fontWeight="semibold">
              {t(`returns.moneyKinds.${action.kind}`)}
              {action.amount && action.currency ? ` ${format.money(action.amount, action.currency)}` : ""}
            </Text>
            <Badge tone={action.state === "succeeded" ? "success" : action.state === "failed" ? "critical" : "info"}>
              {t(`returns.moneyStates.${action.state}`)}
            </Badge>
          </InlineStack>
          <Text as="p" tone="subdued" variant="bodySm">
            {t("returns.detail.byWhen", { who: actorName(t, action.actor), when: format.date(action.createdAt) })}
          </Text>
          {action.userErrors.map((error, index) => (
            <Text as="p" tone="critical" variant="bodySm" key={index}>
              {error.message}
            </Text>
          ))}
        </BlockStack>
      ))}
    </BlockStack>
  );
}
