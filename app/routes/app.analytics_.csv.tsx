// GET /app/analytics/csv?table=…&days=… (or from/to): one table of the
// Analytics page as CSV, for the same period, of the verified shop only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server.ts";
import { db } from "../db.server.ts";
import { analyticsPage } from "../analytics/page.server.ts";
import { ANALYTICS_TABLES, analyticsTable, toCsv, type AnalyticsTable } from "../analytics/tables.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const table = params.get("table");
  if (!table || !(ANALYTICS_TABLES as readonly string[]).includes(table))
    return new Response(`Unknown table. Choose one of: ${ANALYTICS_TABLES.join(", ")}.\n`, {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  const page = await analyticsPage(db(), session.shop, params);
  if (!page.periodOk)
    return new Response("Choose a start day on or before the end day (YYYY-MM-DD), at most 366 days apart.\n", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  const { from, to } = page.figures.period;
  // A BOM so spreadsheet programs read the Japanese in it as UTF-8.
  return new Response(`\uFEFF${toCsv(analyticsTable(page.figures, table as AnalyticsTable))}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="kizuna-${table}-${from}-${to}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
