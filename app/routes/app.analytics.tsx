// /app/analytics — what customer care does for the shop over a period in its
// time zone, beside the period before: contacts, busiest hours, response and
// resolution times, exchanges, satisfaction, contacts prevented (with the
// holdout switch), notices, delays, back in stock, returns; each table as CSV
// (/app/analytics/csv); and the self-help answers editor. Figures come from
// the daily rollups (ADR 0016).
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRouteError, useSearchParams } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { lazy, Suspense, useState, useSyncExternalStore, type ReactNode } from "react";
import { z } from "zod";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { humanize, useFormat, type Formatters } from "../components/format.ts";
import { formError, requestT } from "../i18n/i18n.server.ts";
import { rowIdField } from "../i18n/form-fields.server.ts";
import { db } from "../db.server.ts";
import { authenticate } from "../shopify.server.ts";
import { firstIssue, readAdminForm } from "../admin/form-input.server.ts";
import { analyticsPage, saveHoldout } from "../analytics/page.server.ts";
import {
  deleteSelfHelpAnswer,
  saveSelfHelpAnswer,
  SelfHelpInput,
  type SelfHelpAnswerView,
} from "../analytics/self-help.server.ts";
import { HOLDOUT_MAX_PERCENT, PERIOD_CHOICES, SELF_HELP_LOCALES, SELF_HELP_TOPICS } from "../analytics/choices.ts";
import type { AnalyticsTable } from "../analytics/tables.ts";
import type { Comparison, PreventedEstimate } from "../analytics/prevented.ts";
import type { CompareRow, DurationFigure, MoneyRow } from "../analytics/figures.server.ts";
import { withLocale } from "../i18n/locales.ts";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const page = await analyticsPage(db(), session.shop, new URL(request.url).searchParams);
  // A period the page cannot show answers 400 with the last 30 days and a sentence why.
  return data(page, { status: page.periodOk ? 200 : 400 });
}

const actionForm = (t: TFunction) =>
  z.discriminatedUnion("intent", [
    z.object({
      intent: z.literal("save-answer"),
      topic: z.string(),
      locale: z.string(),
      title: z.string(),
      body: z.string(),
    }),
    z.object({ intent: z.literal("delete-answer"), answerId: rowIdField(t, t("analytics.selfHelp.title")) }),
    z.object({
      intent: z.literal("holdout"),
      on: z.enum(["on", "off"]).catch("off"),
      percent: z.coerce
        .number({ message: t("analytics.prevented.holdoutInvalid") })
        .int(t("analytics.prevented.holdoutInvalid"))
        .min(0, t("analytics.prevented.holdoutInvalid"))
        .max(HOLDOUT_MAX_PERCENT, t("analytics.prevented.holdoutInvalid")),
    }),
  ]);

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const t = await requestT(request, session.shop);
  const form = await readAdminForm(request);
  if (!form.ok) return data({ ok: false, message: formError(t, form.status) }, { status: form.status });
  const parsed = actionForm(t).safeParse(form.fields);
  if (!parsed.success)
    return data({ ok: false, message: firstIssue(parsed.error, t("errors.notUnderstood")) }, { status: 400 });
  const input = parsed.data;
  if (input.intent === "save-answer") {
    const answer = SelfHelpInput.safeParse(input);
    if (!answer.success) return data({ ok: false, message: t("analytics.selfHelp.invalid") }, { status: 400 });
    await saveSelfHelpAnswer(db(), session.shop, answer.data);
    return { ok: true, message: t("analytics.selfHelp.saved") };
  }
  if (input.intent === "delete-answer") {
    if (!(await deleteSelfHelpAnswer(db(), session.shop, input.answerId)))
      return data({ ok: false, message: t("analytics.selfHelp.notFound") }, { status: 404 });
    return { ok: true, message: t("analytics.selfHelp.deleted") };
  }
  await saveHoldout(db(), session.shop, input.on === "on", input.percent);
  return { ok: true, message: t("analytics.prevented.holdoutSaved") };
}

const noSubscription = () => () => undefined;

/** Renders its children only in the browser (the chart library cannot render on the server). */
function InBrowser({ children }: { children: ReactNode }) {
  // false while rendering on the server and hydrating, true after.
  const ready = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  return ready ? <Suspense fallback={null}>{children}</Suspense> : null;
}
const ComparisonChart = lazy(() => import("../components/AnalyticsCharts.client.tsx"));

/** Minutes as "within 2 h" in the admin's language. */
function durationText(t: TFunction, format: Formatters, minutes: number | null): string {
  if (minutes === null) return "—";
  if (!Number.isFinite(minutes)) return t("analytics.overMonth");
  const value =
    minutes < 60
      ? t("analytics.minutes", { count: minutes })
      : minutes < 2880
        ? t("analytics.hours", { count: Math.round((minutes / 60) * 10) / 10 })
        : t("analytics.days", { count: Math.round((minutes / 1440) * 10) / 10 });
  void format;
  return t("analytics.within", { value });
}

function change(format: Formatters, current: number, previous: number): string {
  const delta = current - previous;
  return delta === 0 ? "0" : `${delta > 0 ? "+" : "−"}${format.number(Math.abs(delta))}`;
}

const percent = (format: Formatters, share: number | null) =>
  share === null ? "—" : `${format.number(Math.round(share * 1000) / 10)}%`;

/** A CSV download through fetch (the embedded admin adds the session token), saved as a file. */
function CsvButton({ table }: { table: AnalyticsTable }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [failed, setFailed] = useState(false);
  const download = async () => {
    const query = new URLSearchParams(params);
    query.set("table", table);
    setFailed(false);
    try {
      const response = await fetch(`/app/analytics/csv?${query.toString()}`);
      if (!response.ok) throw new Error(String(response.status));
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = `kizuna-${table}.csv`;
      link.click();
      URL.revokeObjectURL(url);
    } catch {
      setFailed(true);
    }
  };
  return (
    <InlineStack gap="200" blockAlign="center">
      <Button size="slim" variant="plain" onClick={() => void download()}>
        {t("analytics.csv")}
      </Button>
      {failed ? (
        <Text as="span" tone="critical" variant="bodySm">
          {t("analytics.csvFailed")}
        </Text>
      ) : null}
    </InlineStack>
  );
}

function Section(props: { title: string; table?: AnalyticsTable; definition?: string; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {props.title}
          </Text>
          {props.table ? <CsvButton table={props.table} /> : null}
        </InlineStack>
        {props.children}
        {props.definition ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {props.definition}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

/** A comparison table (and its chart) of one dimension; `label` words a stored code. */
function CompareTable(props: {
  heading: string;
  rows: CompareRow[];
  label: (key: string) => string;
  table: AnalyticsTable;
  chart?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat(null);
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {props.heading}
        </Text>
        <CsvButton table={props.table} />
      </InlineStack>
      {props.rows.length === 0 ? (
        <Text as="p" tone="subdued">
          {t("analytics.noData")}
        </Text>
      ) : (
        <>
          {props.chart ? (
            <InBrowser>
              <ComparisonChart
                rows={props.rows.slice(0, 8).map((row) => ({ ...row, label: props.label(row.key) }))}
                currentLabel={t("analytics.columns.current")}
                previousLabel={t("analytics.columns.previous")}
              />
            </InBrowser>
          ) : null}
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={[
              t("analytics.columns.value"),
              t("analytics.columns.current"),
              t("analytics.columns.previous"),
              t("analytics.columns.change"),
            ]}
            rows={props.rows.map((row) => [
              props.label(row.key),
              format.number(row.current),
              format.number(row.previous),
              change(format, row.current, row.previous),
            ])}
          />
        </>
      )}
    </BlockStack>
  );
}

function HeatMap({ grid, caption }: { grid: number[][]; caption: string }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...grid.flat());
  const day = (weekday: number) => t(`analytics.weekdays.${weekday}`);
  return (
    <div style={{ overflowX: "auto" }}>
      <table style={{ borderCollapse: "collapse", fontSize: 11 }}>
        <caption style={{ textAlign: "start", fontWeight: 600, paddingBottom: 4 }}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("analytics.columns.weekday")}</th>
            {Array.from({ length: 24 }, (_, hour) => (
              <th scope="col" key={hour} style={{ fontWeight: 400, padding: "0 2px" }}>
                {hour}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.map((hours, weekday) => (
            <tr key={weekday}>
              <th scope="row" style={{ fontWeight: 400, paddingRight: 4 }}>
                {day(weekday)}
              </th>
              {hours.map((count, hour) => (
                <td
                  key={hour}
                  title={t("analytics.busy.cell", { day: day(weekday), hour, count })}
                  style={{
                    width: 22,
                    height: 20,
                    textAlign: "center",
                    border: "1px solid #fff",
                    background: count ? `rgba(0, 91, 211, ${0.12 + (0.88 * count) / max})` : "#f1f1f1",
                    color: count / max > 0.55 ? "#fff" : "#303030",
                  }}
                >
                  {count || ""}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MoneyTable({ rows, format }: { rows: MoneyRow[]; format: Formatters }) {
  const { t } = useTranslation();
  if (rows.length === 0)
    return (
      <Text as="p" tone="subdued">
        {t("analytics.noData")}
      </Text>
    );
  return (
    <DataTable
      columnContentTypes={["text", "numeric", "numeric"]}
      headings={[t("analytics.columns.currency"), t("analytics.columns.current"), t("analytics.columns.previous")]}
      rows={rows.map((row) => [
        row.currency || "—",
        row.currency ? format.money(row.current, row.currency) : row.current,
        row.currency ? format.money(row.previous, row.currency) : row.previous,
      ])}
    />
  );
}

function ComparisonBlock({ title, comparison, min }: { title: string; comparison: Comparison; min: number }) {
  const { t } = useTranslation();
  const format = useFormat(null);
  const groupRow = (name: string, counts: { cases: number; contacted: number }) => [
    name,
    format.number(counts.cases),
    format.number(counts.contacted),
    percent(format, counts.cases ? counts.contacted / counts.cases : null),
  ];
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        {title}
      </Text>
      {comparison.status === "enough" ? (
        <Text as="p" variant="bodyLg" fontWeight="semibold">
          {t("analytics.prevented.estimate", {
            prevented: format.number(comparison.prevented!),
            low: format.number(comparison.preventedLow!),
            high: format.number(comparison.preventedHigh!),
            difference: format.number(Math.round(comparison.difference! * 1000) / 10),
          })}
        </Text>
      ) : (
        <Banner tone="info">{t("analytics.prevented.notEnough", { min })}</Banner>
      )}
      <DataTable
        columnContentTypes={["text", "numeric", "numeric", "numeric"]}
        headings={[
          t("analytics.columns.group"),
          t("analytics.columns.cases"),
          t("analytics.columns.contacted"),
          t("analytics.columns.contactRate"),
        ]}
        rows={[groupRow(title, comparison.baseline), groupRow(t("analytics.prevented.groups.told"), comparison.told)]}
      />
    </BlockStack>
  );
}

function Prevented({ estimate, holdout }: { estimate: PreventedEstimate; holdout: { on: boolean; percent: number } }) {
  const { t } = useTranslation();
  const format = useFormat(null);
  const navigation = useNavigation();
  const [on, setOn] = useState(holdout.on);
  const [share, setShare] = useState(String(holdout.percent));
  return (
    <Section title={t("analytics.prevented.heading")} table="prevented" definition={t("analytics.prevented.method")}>
      <Text as="p">{t("analytics.prevented.intro")}</Text>
      <Text as="p" tone="subdued">
        {estimate.through
          ? t("analytics.prevented.through", { day: format.day(estimate.through) })
          : t("analytics.prevented.noneThrough")}
      </Text>
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        <ComparisonBlock
          title={t("analytics.prevented.groups.held_out")}
          comparison={estimate.holdout}
          min={estimate.minCases}
        />
        <ComparisonBlock
          title={t("analytics.prevented.groups.untold")}
          comparison={estimate.beforeAfter}
          min={estimate.minCases}
        />
      </InlineGrid>
      <Box paddingBlockStart="200">
        <Form method="post">
          <input type="hidden" name="intent" value="holdout" />
          <input type="hidden" name="on" value={on ? "on" : "off"} />
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {t("analytics.prevented.holdoutHeading")}
            </Text>
            <Text as="p" tone="subdued">
              {t("analytics.prevented.holdoutExplain")}
            </Text>
            <Checkbox label={t("analytics.prevented.holdoutOn")} checked={on} onChange={setOn} />
            <div style={{ maxWidth: 220 }}>
              <TextField
                label={t("analytics.prevented.holdoutPercent")}
                name="percent"
                type="number"
                min={0}
                max={HOLDOUT_MAX_PERCENT}
                value={share}
                onChange={setShare}
                autoComplete="off"
              />
            </div>
            <InlineStack>
              <Button submit loading={navigation.state === "submitting"}>
                {t("analytics.prevented.holdoutSave")}
              </Button>
            </InlineStack>
          </BlockStack>
        </Form>
      </Box>
    </Section>
  );
}

function SelfHelpEditor({ answers }: { answers: SelfHelpAnswerView[] }) {
  const { t } = useTranslation();
  const format = useFormat(null);
  const navigation = useNavigation();
  const [topic, setTopic] = useState<string>(SELF_HELP_TOPICS[0]);
  const [locale, setLocale] = useState<string>(SELF_HELP_LOCALES[0]);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const topicLabel = (code: string) => t(`analytics.selfHelp.topics.${code}`, { defaultValue: code });
  const edit = (answer: SelfHelpAnswerView) => {
    setTopic(answer.topic);
    setLocale(answer.locale);
    setTitle(answer.title);
    setBody(answer.body);
  };
  return (
    <Section title={t("analytics.selfHelp.heading")}>
      <Text as="p" tone="subdued">
        {t("analytics.selfHelp.intro")}
      </Text>
      {answers.length === 0 ? (
        <Text as="p">{t("analytics.selfHelp.empty")}</Text>
      ) : (
        <DataTable
          columnContentTypes={["text", "text", "text", "numeric", "text"]}
          headings={[
            t("analytics.columns.topic"),
            t("analytics.columns.language"),
            t("analytics.columns.answerTitle"),
            t("analytics.columns.reads"),
            "",
          ]}
          rows={answers.map((answer) => [
            topicLabel(answer.topic),
            t(`analytics.selfHelp.languages.${answer.locale}`, { defaultValue: answer.locale }),
            answer.title,
            format.number(answer.reads),
            <InlineStack gap="200" key={answer.id}>
              <Button size="slim" variant="plain" onClick={() => edit(answer)}>
                {t("analytics.selfHelp.edit")}
              </Button>
              <Form method="post">
                <input type="hidden" name="intent" value="delete-answer" />
                <input type="hidden" name="answerId" value={answer.id} />
                <Button size="slim" variant="plain" tone="critical" submit>
                  {t("analytics.selfHelp.delete")}
                </Button>
              </Form>
            </InlineStack>,
          ])}
        />
      )}
      <Form method="post">
        <input type="hidden" name="intent" value="save-answer" />
        <BlockStack gap="200">
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="200">
            <Select
              label={t("analytics.columns.topic")}
              name="topic"
              options={SELF_HELP_TOPICS.map((code) => ({ label: topicLabel(code), value: code }))}
              value={topic}
              onChange={setTopic}
            />
            <Select
              label={t("analytics.columns.language")}
              name="locale"
              options={SELF_HELP_LOCALES.map((code) => ({
                label: t(`analytics.selfHelp.languages.${code}`),
                value: code,
              }))}
              value={locale}
              onChange={setLocale}
            />
          </InlineGrid>
          <TextField
            label={t("analytics.selfHelp.title")}
            name="title"
            value={title}
            onChange={setTitle}
            maxLength={120}
            autoComplete="off"
          />
          <TextField
            label={t("analytics.selfHelp.body")}
            name="body"
            value={body}
            onChange={setBody}
            multiline={4}
            maxLength={4000}
            autoComplete="off"
          />
          <InlineStack>
            <Button submit variant="primary" loading={navigation.state === "submitting"}>
              {t("analytics.selfHelp.add")}
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Section>
  );
}

function PeriodPicker({ days, custom, from, to }: { days: number; custom: boolean; from: string; to: string }) {
  const { t, i18n } = useTranslation();
  const [choice, setChoice] = useState(custom ? "custom" : String(days));
  const [start, setStart] = useState(from);
  const [end, setEnd] = useState(to);
  const options = [
    ...PERIOD_CHOICES.map((value) => ({ label: t(`analytics.period.last.${value}`), value: String(value) })),
    { label: t("analytics.period.custom"), value: "custom" },
  ];
  return (
    <Form method="get" action={withLocale("/app/analytics", i18n.language === "ja" ? "ja" : "en")}>
      <input type="hidden" name="locale" value={i18n.language === "ja" ? "ja" : "en"} />
      <InlineStack gap="300" blockAlign="end">
        <Select
          label={t("analytics.period.label")}
          name={choice === "custom" ? undefined : "days"}
          options={options}
          value={choice}
          onChange={setChoice}
        />
        {choice === "custom" ? (
          <>
            <TextField
              label={t("analytics.period.from")}
              name="from"
              type="date"
              value={start}
              onChange={setStart}
              autoComplete="off"
            />
            <TextField
              label={t("analytics.period.to")}
              name="to"
              type="date"
              value={end}
              onChange={setEnd}
              autoComplete="off"
            />
          </>
        ) : null}
        <Button submit>{t("analytics.period.show")}</Button>
      </InlineStack>
    </Form>
  );
}

export default function AnalyticsPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  const { figures } = page;
  const format = useFormat(figures.timeZone);
  const channel = (key: string) => t(`analytics.channels.${key}`, { defaultValue: key || t("analytics.none") });
  const plain = (key: string) => key || t("analytics.none");
  const weekday = (n: number) => t(`analytics.weekdays.${n}`);
  const busiest = (cell: { weekday: number; hour: number; count: number } | null) =>
    cell
      ? t("analytics.busy.busiest", {
          day: weekday(cell.weekday),
          hour: cell.hour,
          next: cell.hour + 1,
          count: format.number(cell.count),
        })
      : t("analytics.noData");
  const timeRow = (key: string, current: DurationFigure, previous: DurationFigure) => [
    t(`analytics.times.${key}`),
    durationText(t, format, current.median),
    durationText(t, format, current.p90),
    format.number(current.count),
    durationText(t, format, previous.median),
    durationText(t, format, previous.p90),
  ];
  const ex = figures.exchanges;
  const sat = figures.satisfaction;
  const ratio = (a: number, b: number) => (b ? a / b : null);
  return (
    <Page
      title={t("analytics.title")}
      subtitle={t("analytics.subtitle", {
        from: format.day(figures.period.from),
        to: format.day(figures.period.to),
        days: format.number(page.days),
      })}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {!page.periodOk ? <Banner tone="warning" title={t("analytics.period.invalid")} /> : null}
            {result ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
            <Card>
              <PeriodPicker days={page.days} custom={page.custom} from={figures.period.from} to={figures.period.to} />
            </Card>

            <Section title={t("analytics.contacts.heading")} definition={t("analytics.contacts.definition")}>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                <CompareTable
                  heading={t("analytics.contacts.byChannel")}
                  rows={figures.contactsByChannel}
                  label={channel}
                  table="contacts_channel"
                  chart
                />
                <CompareTable
                  heading={t("analytics.contacts.byTopic")}
                  rows={figures.contactsByTopic}
                  label={(key) => key || t("analytics.contacts.untagged")}
                  table="contacts_topic"
                  chart
                />
              </InlineGrid>
            </Section>

            <Section
              title={t("analytics.busy.heading")}
              table="busiest_hours"
              definition={t("analytics.busy.definition")}
            >
              <Text as="p">{busiest(figures.busiest.messages)}</Text>
              <HeatMap grid={figures.heatmap.messages} caption={t("analytics.busy.messages")} />
              <Text as="p">{busiest(figures.busiest.orders)}</Text>
              <HeatMap grid={figures.heatmap.orders} caption={t("analytics.busy.orders")} />
            </Section>

            <Section
              title={t("analytics.times.heading")}
              table="response_times"
              definition={t("analytics.times.definition", { start: page.businessStart, end: page.businessEnd })}
            >
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric", "text", "text"]}
                headings={[
                  "",
                  t("analytics.columns.median"),
                  t("analytics.columns.p90"),
                  t("analytics.columns.count"),
                  `${t("analytics.columns.previous")} ${t("analytics.columns.median")}`,
                  `${t("analytics.columns.previous")} ${t("analytics.columns.p90")}`,
                ]}
                rows={figures.responseTimes.map((row) => timeRow(row.key, row.current, row.previous))}
              />
              <Text as="p" tone="subdued">
                {t("analytics.times.unanswered", { count: figures.unanswered.current })}
              </Text>
            </Section>

            <Section
              title={t("analytics.exchanges.heading")}
              table="exchanges"
              definition={t("analytics.exchanges.definition")}
            >
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={["", t("analytics.columns.current"), t("analytics.columns.previous")]}
                rows={[
                  [
                    t("analytics.exchanges.resolved"),
                    format.number(ex.current.resolved),
                    format.number(ex.previous.resolved),
                  ],
                  [
                    t("analytics.exchanges.average"),
                    ex.current.resolved
                      ? format.number(Math.round((ex.current.exchanges / ex.current.resolved) * 10) / 10)
                      : "—",
                    ex.previous.resolved
                      ? format.number(Math.round((ex.previous.exchanges / ex.previous.resolved) * 10) / 10)
                      : "—",
                  ],
                  [
                    t("analytics.exchanges.within"),
                    percent(format, ratio(ex.current.withinTarget, ex.current.resolved)),
                    percent(format, ratio(ex.previous.withinTarget, ex.previous.resolved)),
                  ],
                ]}
              />
            </Section>

            <Section
              title={t("analytics.satisfaction.heading")}
              table="satisfaction"
              definition={t("analytics.satisfaction.definition")}
            >
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={["", t("analytics.columns.current"), t("analytics.columns.previous")]}
                rows={[
                  [
                    t("analytics.satisfaction.share"),
                    percent(format, ratio(sat.current.satisfied, sat.current.answers)),
                    percent(format, ratio(sat.previous.satisfied, sat.previous.answers)),
                  ],
                  [
                    t("analytics.satisfaction.answers"),
                    format.number(sat.current.answers),
                    format.number(sat.previous.answers),
                  ],
                  [t("analytics.satisfaction.sent"), format.number(sat.current.sent), format.number(sat.previous.sent)],
                  ...[5, 4, 3, 2, 1].map((rating) => [
                    `${t("analytics.columns.rating")} ${rating}`,
                    format.number(sat.current.byRating[rating - 1] ?? 0),
                    format.number(sat.previous.byRating[rating - 1] ?? 0),
                  ]),
                ]}
              />
              <Text as="h3" variant="headingSm">
                {t("analytics.satisfaction.comments")}
              </Text>
              {sat.comments.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("analytics.satisfaction.noComments")}
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["numeric", "text", "text"]}
                  headings={[
                    t("analytics.columns.rating"),
                    t("analytics.columns.comment"),
                    t("analytics.columns.answered"),
                  ]}
                  rows={sat.comments.map((row) => [
                    row.rating ?? "—",
                    row.comment,
                    row.answeredAt ? format.date(row.answeredAt) : "",
                  ])}
                />
              )}
            </Section>

            <Prevented estimate={figures.prevented} holdout={page.holdout} />

            <Section title={t("analytics.notices.heading")}>
              <CompareTable
                heading={t("analytics.notices.sent")}
                rows={figures.noticesSent}
                label={(key) => codePair(t, key, "notices.kinds", "analytics.channels")}
                table="notices_sent"
                chart
              />
              <CompareTable
                heading={t("analytics.notices.failed")}
                rows={figures.noticesFailed}
                label={(key) => codePair(t, key, "notices.kinds", "analytics.channels")}
                table="notices_failed"
              />
              <CompareTable
                heading={t("analytics.notices.unsubscribes")}
                rows={figures.unsubscribes}
                label={(key) => key.split("|").map(humanize).join(" · ")}
                table="unsubscribes"
              />
            </Section>

            <Section title={t("analytics.delays.heading")}>
              <CompareTable
                heading={t("analytics.delays.reasons")}
                rows={figures.delayReasons}
                label={(key) => key.split("|").map(humanize).join(" · ")}
                table="delay_reasons"
                chart
              />
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                <CompareTable
                  heading={t("analytics.delays.carriers")}
                  rows={figures.delayCarriers}
                  label={plain}
                  table="delay_carriers"
                />
                <CompareTable
                  heading={t("analytics.delays.regions")}
                  rows={figures.delayRegions}
                  label={plain}
                  table="delay_regions"
                />
              </InlineGrid>
            </Section>

            <Section title={t("analytics.restock.heading")} table="restock">
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={["", t("analytics.columns.current"), t("analytics.columns.previous")]}
                rows={[
                  [
                    t("analytics.restock.signups"),
                    format.number(figures.restock.signups.current),
                    format.number(figures.restock.signups.previous),
                  ],
                  [
                    t("analytics.restock.alerts"),
                    format.number(figures.restock.alerts.current),
                    format.number(figures.restock.alerts.previous),
                  ],
                  [
                    t("analytics.restock.sales"),
                    format.number(figures.restock.sales.current),
                    format.number(figures.restock.sales.previous),
                  ],
                ]}
              />
              <Text as="h3" variant="headingSm">
                {t("analytics.restock.revenue")}
              </Text>
              <MoneyTable rows={figures.restock.revenue} format={format} />
            </Section>

            <Section title={t("analytics.returns.heading")} definition={t("analytics.returns.definition")}>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={["", t("analytics.columns.current"), t("analytics.columns.previous")]}
                rows={[
                  [
                    t("analytics.returns.count"),
                    format.number(figures.returns.count.current),
                    format.number(figures.returns.count.previous),
                  ],
                  [
                    t("analytics.returns.orders"),
                    format.number(figures.orders.current),
                    format.number(figures.orders.previous),
                  ],
                ]}
              />
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                <CompareTable
                  heading={t("analytics.returns.reasons")}
                  rows={figures.returns.reasons}
                  label={(key) => (key ? humanize(key) : t("analytics.none"))}
                  table="returns_reasons"
                />
                <CompareTable
                  heading={t("analytics.returns.resolutions")}
                  rows={figures.returns.resolutions}
                  label={(key) => humanize(key)}
                  table="returns_reasons"
                />
              </InlineGrid>
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  {t("analytics.returns.products")}
                </Text>
                <CsvButton table="returns_products" />
              </InlineStack>
              {figures.returns.products.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("analytics.noData")}
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                  headings={[
                    t("analytics.columns.product"),
                    t("analytics.columns.sold"),
                    t("analytics.columns.returned"),
                    t("analytics.columns.rate"),
                  ]}
                  rows={figures.returns.products.map((row) => [
                    row.title ?? (row.productId || t("analytics.none")),
                    format.number(row.sold),
                    format.number(row.returned),
                    percent(format, row.rate),
                  ])}
                />
              )}
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  {t("analytics.returns.refunded")}
                </Text>
                <CsvButton table="returns_refunded" />
              </InlineStack>
              <MoneyTable rows={figures.returns.refunded} format={format} />
            </Section>

            <SelfHelpEditor answers={page.answers} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** "delay|email" → the notice kind's and the channel's words. */
function codePair(t: TFunction, key: string, first: string, second: string): string {
  const [a = "", b = ""] = key.split("|");
  return `${t(`${first}.${a}`, { defaultValue: humanize(a) })} · ${t(`${second}.${b}`, { defaultValue: b })}`;
}

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
