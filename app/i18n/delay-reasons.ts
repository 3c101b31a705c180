// A delay case's reason in the admin's language: what app/delays/reasons.ts's
// sellerReason says in English, from the same rule, reason and details, with
// the dates in the admin's locale.
import type { TFunction } from "i18next";
import type { Formatters } from "../components/format.ts";

type Details = Record<string, unknown>;
const text = (value: unknown) => (typeof value === "string" && value ? value : null);
const hours = (minutes: unknown) => (typeof minutes === "number" ? Math.round(minutes / 60) : 0);

export function sellerReasonText(
  t: TFunction,
  format: Formatters,
  rule: string,
  reason: string,
  details: Details,
): string {
  const day = (value: unknown) => (typeof value === "string" ? format.day(value.slice(0, 10)) : "?");
  switch (rule) {
    case "handling_time":
      return t(reason === "PARTLY_NOT_SHIPPED" ? "delays.why.partlyNotShipped" : "delays.why.notShipped", {
        shipBy: day(details.shipBy),
        days: String(details.handlingDays),
      });
    case "on_hold": {
      const notes = text(details.notes) ? t("delays.why.note", { notes: text(details.notes) }) : "";
      const known = ["INCORRECT_ADDRESS", "INVENTORY_OUT_OF_STOCK", "UNKNOWN_DELIVERY_DATE"];
      return known.includes(reason)
        ? `${t(`delays.why.hold.${reason}`)}${notes}`
        : `${t("delays.why.hold.other", { reason })}${notes}`;
    }
    case "carrier_exception": {
      const carrier = text(details.carrierMessage);
      const said = carrier ? t("delays.why.carrierSays", { message: carrier }) : "";
      const known = ["DELAYED", "FAILURE", "ATTEMPTED_DELIVERY"];
      return known.includes(reason)
        ? `${t(`delays.why.carrier.${reason}`)}${said}`
        : `${t("delays.why.carrier.other", { reason })}${said}`;
    }
    case "eta_passed":
      return t("delays.why.etaPassed", { date: day(details.estimatedDeliveryAt) });
    case "stalled":
      return t("delays.why.stalled", { days: String(details.silentDays), date: day(details.lastScanAt) });
    case "likely_late":
      return t("delays.why.likelyLate", {
        elapsed: format.number(hours(details.elapsedMinutes)),
        percentile: String(details.percentile),
        samples: String(details.samples),
        carrier: text(details.carrier) ?? t("delays.why.thisCarrier"),
        region: text(details.region) ?? t("delays.why.thisRegion"),
        threshold: format.number(hours(details.thresholdMinutes)),
      });
    default:
      return reason;
  }
}
