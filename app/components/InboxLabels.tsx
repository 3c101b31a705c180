// How the inbox words its codes: channels, statuses, staff members. Shared by
// the list and the conversation page.
import { Badge, type BadgeProps } from "@shopify/polaris";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";

const STATUS_TONES: Record<string, BadgeProps["tone"]> = {
  open: "attention",
  waiting: "info",
  snoozed: undefined,
  resolved: "success",
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Badge tone={STATUS_TONES[status]}>{t(`inbox.status.${status}`, { defaultValue: status })}</Badge>;
}

export function ChannelBadge({ channel }: { channel: string }) {
  const { t } = useTranslation();
  return (
    <Badge tone={channel === "etsy" ? "warning" : undefined}>
      {t(`inbox.channel.${channel}`, { defaultValue: channel })}
    </Badge>
  );
}

/**
 * A staff member as the inbox shows them: "staff:<user id>" (the embedded admin's user; Shopify's
 * token carries no name) as "Staff member 1", "kizuna" as Kizuna, anything else as written.
 */
export function staffName(t: TFunction, author: string | null | undefined): string {
  if (!author) return t("inbox.someone");
  const staff = /^staff:(.+)$/.exec(author);
  if (staff) return staff[1] === "unknown" ? t("inbox.someone") : t("inbox.staff", { id: staff[1] });
  if (author === "kizuna") return "Kizuna";
  if (author === "customer") return t("inbox.customer");
  if (author === "shopify") return "Shopify";
  return author;
}
