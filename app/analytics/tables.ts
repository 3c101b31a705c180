// The Analytics page's tables as rows of plain values, for its CSV downloads:
// one table per name, codes as stored (channels, kinds, reasons), numbers
// unformatted, money as decimal strings. Client-safe (the page names the tables).
import type { AnalyticsFigures, CompareRow } from "./figures.server.ts";

export const ANALYTICS_TABLES = [
  "contacts_channel",
  "contacts_topic",
  "busiest_hours",
  "response_times",
  "exchanges",
  "satisfaction",
  "prevented",
  "notices_sent",
  "notices_failed",
  "unsubscribes",
  "delay_reasons",
  "delay_carriers",
  "delay_regions",
  "restock",
  "returns_reasons",
  "returns_products",
  "returns_refunded",
] as const;
export type AnalyticsTable = (typeof ANALYTICS_TABLES)[number];

export interface PlainTable {
  header: string[];
  rows: (string | number | null)[][];
}

const compare = (name: string, rows: CompareRow[]): PlainTable => ({
  header: [name, "current", "previous"],
  rows: rows.map((row) => [row.key, row.current, row.previous]),
});

const minutes = (value: number | null) => (value === null ? null : Number.isFinite(value) ? value : "over_43200");

export function analyticsTable(figures: AnalyticsFigures, table: AnalyticsTable): PlainTable {
  switch (table) {
    case "contacts_channel":
      return compare("channel", figures.contactsByChannel);
    case "contacts_topic":
      return compare("tag", figures.contactsByTopic);
    case "busiest_hours": {
      const rows: PlainTable["rows"] = [];
      for (let weekday = 0; weekday < 7; weekday++)
        for (let hour = 0; hour < 24; hour++)
          rows.push([
            weekday,
            hour,
            figures.heatmap.messages[weekday]![hour]!,
            figures.heatmap.orders[weekday]![hour]!,
          ]);
      return { header: ["weekday", "hour", "messages", "orders"], rows };
    }
    case "response_times":
      return {
        header: [
          "measure",
          "count",
          "median_minutes",
          "p90_minutes",
          "previous_count",
          "previous_median_minutes",
          "previous_p90_minutes",
        ],
        rows: figures.responseTimes.map((row) => [
          row.key,
          row.current.count,
          minutes(row.current.median),
          minutes(row.current.p90),
          row.previous.count,
          minutes(row.previous.median),
          minutes(row.previous.p90),
        ]),
      };
    case "exchanges":
      return {
        header: ["period", "resolved", "exchanges", "resolved_within_5"],
        rows: (["current", "previous"] as const).map((which) => [
          which,
          figures.exchanges[which].resolved,
          figures.exchanges[which].exchanges,
          figures.exchanges[which].withinTarget,
        ]),
      };
    case "satisfaction":
      return {
        header: [
          "period",
          "surveys_sent",
          "answers",
          "satisfied_4_5",
          "rating_1",
          "rating_2",
          "rating_3",
          "rating_4",
          "rating_5",
        ],
        rows: (["current", "previous"] as const).map((which) => {
          const s = figures.satisfaction[which];
          return [which, s.sent, s.answers, s.satisfied, ...s.byRating];
        }),
      };
    case "prevented": {
      const p = figures.prevented;
      return {
        header: [
          "comparison",
          "status",
          "baseline_cases",
          "baseline_contacted",
          "told_cases",
          "told_contacted",
          "difference",
          "low",
          "high",
          "prevented",
          "prevented_low",
          "prevented_high",
        ],
        rows: (["holdout", "beforeAfter"] as const).map((which) => {
          const c = p[which];
          return [
            which,
            c.status,
            c.baseline.cases,
            c.baseline.contacted,
            c.told.cases,
            c.told.contacted,
            c.difference,
            c.low,
            c.high,
            c.prevented,
            c.preventedLow,
            c.preventedHigh,
          ];
        }),
      };
    }
    case "notices_sent":
      return compare("kind|channel", figures.noticesSent);
    case "notices_failed":
      return compare("kind|channel", figures.noticesFailed);
    case "unsubscribes":
      return compare("channel|reason", figures.unsubscribes);
    case "delay_reasons":
      return compare("rule|reason", figures.delayReasons);
    case "delay_carriers":
      return compare("carrier", figures.delayCarriers);
    case "delay_regions":
      return compare("region", figures.delayRegions);
    case "restock":
      return {
        header: ["measure", "current", "previous"],
        rows: [
          ["signups", figures.restock.signups.current, figures.restock.signups.previous],
          ["alerts", figures.restock.alerts.current, figures.restock.alerts.previous],
          ["sales", figures.restock.sales.current, figures.restock.sales.previous],
          ...figures.restock.revenue.map((row) => [`revenue_${row.currency}`, row.current, row.previous]),
        ],
      };
    case "returns_reasons":
      return compare("reason", figures.returns.reasons);
    case "returns_products":
      return {
        header: ["product_id", "title", "sold", "returned", "rate"],
        rows: figures.returns.products.map((row) => [row.productId, row.title, row.sold, row.returned, row.rate]),
      };
    case "returns_refunded":
      return {
        header: ["currency", "current", "previous"],
        rows: figures.returns.refunded.map((row) => [row.currency, row.current, row.previous]),
      };
  }
}

/** RFC 4180 text; a cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed with '. */
export function toCsv(table: PlainTable): string {
  const cell = (value: string | number | null) => {
    if (value === null) return "";
    let text = String(value);
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [table.header, ...table.rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}
