// Bar charts of the Analytics page with Shopify's chart library
// (@shopify/polaris-viz). Client only: the library reads `navigator` when it
// renders, which Node 20 has not, so the server sends the same figures as
// tables and the chart appears once the page runs in the browser.
import { BarChart, PolarisVizProvider, type DataSeries } from "@shopify/polaris-viz";

export interface ComparisonChartProps {
  rows: { label: string; current: number; previous: number }[];
  currentLabel: string;
  previousLabel: string;
}

export default function ComparisonChart({ rows, currentLabel, previousLabel }: ComparisonChartProps) {
  const data: DataSeries[] = [
    { name: currentLabel, data: rows.map((row) => ({ key: row.label, value: row.current })) },
    { name: previousLabel, data: rows.map((row) => ({ key: row.label, value: row.previous })) },
  ];
  return (
    <PolarisVizProvider>
      <div style={{ height: 220 }} aria-hidden="true">
        <BarChart data={data} theme="Light" showLegend />
      </div>
    </PolarisVizProvider>
  );
}
