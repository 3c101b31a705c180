// The return policy's reasons in the admin's words (the codes of app/returns/policy.ts,
// the same ones the customer's order page words in theirs).
import { BlockStack, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import type { VerdictReason } from "../returns/policy.ts";
import { useFormat } from "./format.ts";

export function ReasonList({ reasons, currency }: { reasons: VerdictReason[]; currency: string }) {
  const { t } = useTranslation();
  const format = useFormat(null);
  return (
    <BlockStack gap="100">
      {reasons.map((reason, index) => {
        const params: Record<string, unknown> = { ...reason };
        if (reason.code === "over_auto_amount") params.limit = format.money(reason.limit, currency);
        if (reason.code === "outside_window") params.endedOn = format.day(reason.endedOn);
        if (reason.code === "resolution_not_offered") params.resolution = t(`returns.resolutions.${reason.resolution}`);
        return (
          <Text as="p" key={index}>
            {t(`returns.reasons.${reason.code}`, params)}
          </Text>
        );
      })}
    </BlockStack>
  );
}
