// /app/settings — sender, handling time and holidays, quiet hours, the daily
// cap, which delay rules (and their tuning) and notices are on, and the
// template editor with a live preview and "Send me a test", and the return
// policy (its own card and Save, intent "return-policy"). Thin: parse with zod, call one domain function, render.
// A refused save answers 422 with each finding on its field (by path, see
// app/settings/settings-fields.ts) in the admin's language; the page's one
// Save button saves the settings, and the template editor saves templates.
import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  Divider,
  FormLayout,
  InlineError,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { requestLocale, formError } from "../i18n/i18n.server.ts";
import { createI18n, intlLocale } from "../i18n/locales.ts";
import { settingsFieldFindings, settingsMessageText, templateProblemText } from "../i18n/settings-messages.ts";
import { db } from "../db.server.ts";
import { CARRIER_EXCEPTIONS, HOLD_REASONS, RULE_LIMITS, RULES, type RuleSettings } from "../delays/names.ts";
import { env } from "../env.server.ts";
import { defaultTemplate } from "../notices/default-templates.ts";
import { sharedMailer } from "../notices/delivery-deps.server.ts";
import {
  KINDS,
  NOTICE_KINDS,
  SAMPLE_VARIABLES,
  variablesOf,
  type NoticeChannel,
  type NoticeKind,
  type NoticeLocale,
} from "../notices/kinds.ts";
import { listNoticeTemplates, resetNoticeTemplate, saveNoticeTemplate } from "../notices/notice-templates.server.ts";
import { sendTestNotice } from "../notices/send-test-notice.server.ts";
import { checkTemplate, renderHtmlBody, renderTemplate } from "../notices/template-language.ts";
import { getShopSettings, saveShopSettingsByField, type ShopSettingsInput } from "../settings/shop-settings.server.ts";
import { parseJsonField, SettingsForm } from "../settings/settings-form.ts";
import { previewDocument } from "../settings/preview-document.ts";
import { authenticate } from "../shopify.server.ts";
import { readAdminForm } from "../admin/form-input.server.ts";
import { getShopProfile } from "../shops/shop-overview.server.ts";
import { getReturnPolicy, saveReturnPolicy } from "../returns/return-policy.server.ts";
import { currencyDigits, isDecimal } from "../money/decimal.ts";
import {
  AMOUNT_FIELDS,
  RETURN_POLICY_INTENT,
  ReturnPolicyCard,
  returnPolicyErrorText,
  returnPolicyFieldLabel,
} from "../components/ReturnPolicyCard.tsx";
import type { Locale } from "../i18n/locales.ts";
import { EtsyLinkCard } from "../components/EtsyLinkCard.tsx";
import { etsyLinkView } from "../etsy/oauth.server.ts";
import { etsySettings } from "../etsy/etsy-api.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const database = db();
  const [settings, templates, shop, returnPolicy, products, etsy] = await Promise.all([
    getShopSettings(database, session.shop),
    listNoticeTemplates(database, session.shop),
    getShopProfile(database, session.shop),
    getReturnPolicy(database, session.shop),
    database.product.findMany({
      where: { shop: session.shop },
      select: { id: true, title: true },
      orderBy: { title: "asc" },
      take: PICKER_PRODUCTS,
    }),
    etsyLinkView(database, session.shop, etsySettings() !== null),
  ]);
  // Final-sale products beyond the picker's first products keep their names too.
  const missing = returnPolicy.finalSaleProductIds.filter((id) => !products.some((product) => product.id === id));
  const chosen = missing.length
    ? await database.product.findMany({
        where: { shop: session.shop, id: { in: missing } },
        select: { id: true, title: true },
      })
    : [];
  return {
    settings,
    templates,
    shopName: settings.senderName ?? shop.name ?? session.shop,
    returnPolicy,
    products: [...products, ...chosen],
    currency: shop.currency ?? "JPY",
    etsy,
  };
}

/** Products the final-sale picker searches in the page (a small seller's whole catalogue). */
const PICKER_PRODUCTS = 2_000;

type ActionResult = {
  ok: boolean;
  message: string;
  /** Shown in the result's banner. */
  errors?: string[];
  /** A refused settings save: each field's findings, by the field's path ("delayRules.stalled.days"). */
  fieldErrors?: Record<string, string>;
  intent: string;
};

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const locale = await requestLocale(request, session.shop);
  const t = createI18n(locale).t;
  const body = await readAdminForm(request);
  if (!body.ok)
    return data<ActionResult>(
      { ok: false, intent: "unknown", message: formError(t, body.status) },
      { status: body.status },
    );
  if (body.fields.intent === RETURN_POLICY_INTENT) return saveReturnPolicyForm(session.shop, locale, body.fields);
  const parsed = SettingsForm.safeParse(body.fields);
  if (!parsed.success) {
    return data<ActionResult>({ ok: false, intent: "unknown", message: t("errors.notUnderstood") }, { status: 400 });
  }
  // The checks word their findings in English: said again in the request's language.
  const say = (errors: string[]) => errors.map((error) => settingsMessageText(t, error));
  const form = parsed.data;
  const database = db();
  if (form.intent === "settings") {
    const input = parseJsonField(form.settings) as ShopSettingsInput;
    const saved = await saveShopSettingsByField(database, session.shop, input);
    if (!saved.ok) {
      const { fieldErrors, fields, formErrors } = settingsFieldFindings(t, saved.fieldErrors);
      const names = new Intl.ListFormat(intlLocale(locale), { type: "conjunction" }).format(fields);
      return data<ActionResult>(
        {
          ok: false,
          intent: form.intent,
          message: fields.length
            ? t("settings.results.fieldsNeedAttention", { count: fields.length })
            : t("settings.results.notSaved"),
          errors: [...formErrors, ...(fields.length ? [t("settings.results.fieldsToCheck", { fields: names })] : [])],
          fieldErrors,
        },
        { status: 422 },
      );
    }
    return data<ActionResult>({ ok: true, intent: form.intent, message: t("settings.results.saved") });
  }
  if (form.intent === "template-reset") {
    await resetNoticeTemplate(database, session.shop, form);
    return data<ActionResult>({ ok: true, intent: form.intent, message: t("settings.results.templateReset") });
  }
  const template = { ...form, subject: form.channel === "email" ? form.subject : null };
  if (form.intent === "template-save") {
    const saved = await saveNoticeTemplate(database, session.shop, template);
    if (!saved.ok) {
      return data<ActionResult>(
        { ok: false, intent: form.intent, message: t("settings.results.templateNotSaved"), errors: say(saved.errors) },
        { status: 422 },
      );
    }
    return data<ActionResult>({ ok: true, intent: form.intent, message: t("settings.results.templateSaved") });
  }
  const sent = await sendTestNotice(database, sharedMailer(), session.shop, template, {
    publicUrl: env().SHOPIFY_APP_URL,
    senderAddress: env().MAIL_FROM,
  });
  return sent.ok
    ? data<ActionResult>({ ok: true, intent: form.intent, message: t("settings.results.testSent", { to: sent.to }) })
    : data<ActionResult>(
        {
          ok: false,
          intent: form.intent,
          message: sent.message
            .split(/(?<=\.) (?=(?:Subject|Message): )/)
            .map((part) => settingsMessageText(t, part))
            .join(" "),
        },
        { status: 422 },
      );
}

/** Amounts with more decimals than the currency has (JPY: none), by field: the policy would not be payable. */
function decimalFindings(input: unknown, currency: string): Record<string, string> {
  const findings: Record<string, string> = {};
  if (typeof input !== "object" || input === null) return findings;
  const digits = currencyDigits(currency);
  for (const field of AMOUNT_FIELDS) {
    const value = (input as Record<string, unknown>)[field];
    if (typeof value !== "string" || !isDecimal(value)) continue;
    if ((value.trim().split(".")[1] ?? "").length > digits) findings[field] = "decimals";
  }
  return findings;
}

/** The Return policy card's Save: all or nothing; a refusal is 422 with each finding on its field. */
async function saveReturnPolicyForm(shop: string, locale: Locale, fields: Record<string, string>) {
  const t = createI18n(locale).t;
  const database = db();
  const currency = (await getShopProfile(database, shop)).currency ?? "JPY";
  const input = typeof fields.policy === "string" ? parseJsonField(fields.policy) : undefined;
  const decimals = decimalFindings(input, currency);
  // The currency check runs first: when it finds anything, nothing may be written, so the save
  // is not called and the other findings come on the next try.
  const saved = Object.keys(decimals).length
    ? ({ ok: false, errors: decimals } as const)
    : await saveReturnPolicy(database, shop, input);
  if (saved.ok)
    return data<ActionResult>({
      ok: true,
      intent: RETURN_POLICY_INTENT,
      message: t("settings.returnPolicy.results.saved"),
    });
  const fieldErrors: Record<string, string> = {};
  const formErrors: string[] = [];
  const labels: string[] = [];
  for (const [field, code] of Object.entries(saved.errors)) {
    const text = returnPolicyErrorText(t, field, code, currency);
    const label = returnPolicyFieldLabel(t, field);
    if (!label) {
      formErrors.push(text);
      continue;
    }
    fieldErrors[field] = text;
    if (!labels.includes(label)) labels.push(label);
  }
  const names = new Intl.ListFormat(intlLocale(locale), { type: "conjunction" }).format(labels);
  return data<ActionResult>(
    {
      ok: false,
      intent: RETURN_POLICY_INTENT,
      message: labels.length
        ? t("settings.returnPolicy.results.fieldsNeedAttention", { count: labels.length })
        : t("settings.returnPolicy.results.notSaved"),
      errors: [
        ...formErrors,
        ...(labels.length ? [t("settings.returnPolicy.results.fieldsToCheck", { fields: names })] : []),
      ],
      fieldErrors,
    },
    { status: 422 },
  );
}

const TIMES = Array.from({ length: 48 }, (_, i) => {
  const value = `${String(Math.floor(i / 2)).padStart(2, "0")}:${i % 2 ? "30" : "00"}`;
  return { label: value, value };
});

type TemplateRow = { kind: string; locale: string; channel: string; subject: string | null; body: string };

function templateFor(saved: TemplateRow[], kind: NoticeKind, locale: NoticeLocale, channel: NoticeChannel) {
  const found = saved.find((t) => t.kind === kind && t.locale === locale && t.channel === channel);
  if (found) return { subject: found.subject ?? "", body: found.body, custom: true };
  const fallback = defaultTemplate(kind, locale, channel);
  return { subject: fallback.subject ?? "", body: fallback.body, custom: false };
}

function Result({ result, intents }: { result: ActionResult | undefined; intents: string[] }) {
  if (!result || !intents.includes(result.intent)) return null;
  return (
    <Banner tone={result.ok ? "success" : "critical"} title={result.message}>
      {result.errors?.length ? (
        <BlockStack gap="100">
          {result.errors.map((error) => (
            <Text as="p" key={error}>
              {error}
            </Text>
          ))}
        </BlockStack>
      ) : null}
    </Banner>
  );
}

/**
 * The mail as the customer's mail program shows it. The document has no script (the template
 * language escapes every value) and the sandbox allows none, so the page may read the document
 * (allow-same-origin, without allow-scripts) to make the frame as tall as the mail: nothing is
 * cut off, and the page scrolls, not the frame.
 */
function MailPreview({ title, html }: { title: string; html: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const watcher = useRef<ResizeObserver | null>(null);
  const [height, setHeight] = useState(360);
  const measure = useCallback(() => {
    const body = frame.current?.contentDocument?.body;
    if (body) setHeight(Math.max(120, Math.ceil(body.getBoundingClientRect().height)));
  }, []);
  const loaded = useCallback(() => {
    measure();
    watcher.current?.disconnect();
    const body = frame.current?.contentDocument?.body;
    if (body && typeof ResizeObserver !== "undefined") {
      watcher.current = new ResizeObserver(measure);
      watcher.current.observe(body);
    }
  }, [measure]);
  useEffect(() => () => watcher.current?.disconnect(), []);
  return (
    <iframe
      ref={frame}
      title={title}
      sandbox="allow-same-origin"
      srcDoc={previewDocument(html)}
      onLoad={loaded}
      style={{ display: "block", width: "100%", maxWidth: "100%", height, border: 0, background: "white" }}
    />
  );
}

function TemplateEditor({
  saved,
  shopName,
  result,
}: {
  saved: TemplateRow[];
  shopName: string;
  result?: ActionResult;
}) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const busy = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const [kind, setKind] = useState<NoticeKind>("delay");
  const [locale, setLocale] = useState<NoticeLocale>("ja");
  const [channel, setChannel] = useState<NoticeChannel>("email");
  const current = templateFor(saved, kind, locale, channel);
  const [draft, setDraft] = useState<{ key: string; subject: string; body: string } | null>(null);
  const key = `${kind}/${locale}/${channel}`;
  const subject = draft?.key === key ? draft.subject : current.subject;
  const body = draft?.key === key ? draft.body : current.body;
  const edit = (next: { subject?: string; body?: string }) =>
    setDraft({ key, subject: next.subject ?? subject, body: next.body ?? body });

  const allowed = variablesOf(kind);
  const problems = [channel === "email" ? checkTemplate(subject, allowed) : null, checkTemplate(body, allowed)].filter(
    (p): p is string => Boolean(p),
  );
  const preview = useMemo(() => {
    if (problems.length) return null;
    const values = { ...SAMPLE_VARIABLES[locale], shopName };
    return {
      subject: channel === "email" ? renderTemplate(subject, values, { mode: "line" }) : null,
      html: channel === "email" ? renderHtmlBody(body, values, allowed) : null,
      text: renderTemplate(body, values, { mode: "text" }),
    };
  }, [problems.length, locale, shopName, channel, subject, body, allowed]);

  const send = (intent: string) =>
    submit({ intent, kind, locale, channel, subject: channel === "email" ? subject : "", body }, { method: "post" });

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {t("settings.templates.heading")}
          </Text>
          <Text as="p" tone="subdued">
            {t("settings.templates.help", { block: "{{#if variable}}…{{/if}}" })}
          </Text>
          <Text as="p" tone="subdued">
            {t("settings.templates.savedSeparately")}
          </Text>
        </BlockStack>
        <Result result={result} intents={["template-save", "template-reset", "template-test"]} />
        <InlineGrid columns={3} gap="300">
          <Select
            label={t("settings.templates.notice")}
            options={NOTICE_KINDS.map((k) => ({ label: t(`notices.kinds.${k}`), value: k }))}
            value={kind}
            onChange={(value) => setKind(value as NoticeKind)}
          />
          <Select
            label={t("settings.templates.language")}
            options={[
              { label: t("notices.languages.ja"), value: "ja" },
              { label: t("notices.languages.en"), value: "en" },
            ]}
            value={locale}
            onChange={(value) => setLocale(value as NoticeLocale)}
          />
          <Select
            label={t("settings.templates.channel")}
            options={[
              { label: t("notices.channels.email"), value: "email" },
              { label: t("notices.channels.sms"), value: "sms" },
            ]}
            value={channel}
            onChange={(value) => setChannel(value as NoticeChannel)}
          />
        </InlineGrid>
        <Text as="p" tone="subdued">
          {t(current.custom ? "settings.templates.custom" : "settings.templates.default", {
            variables: Object.keys(allowed)
              .map((name) => `{{${name}}}`)
              .join(" "),
          })}
        </Text>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <BlockStack gap="300">
            {channel === "email" ? (
              <TextField
                label={t("settings.templates.subject")}
                value={subject}
                onChange={(value) => edit({ subject: value })}
                autoComplete="off"
              />
            ) : null}
            <TextField
              label={t("settings.templates.body")}
              value={body}
              onChange={(value) => edit({ body: value })}
              multiline={12}
              autoComplete="off"
              monospaced
            />
            {problems.map((problem) => (
              <Text as="p" tone="critical" key={problem}>
                {templateProblemText(t, problem)}
              </Text>
            ))}
            <InlineStack gap="200">
              <Button
                variant="primary"
                onClick={() => send("template-save")}
                loading={busy === "template-save"}
                disabled={problems.length > 0}
              >
                {t("settings.templates.save")}
              </Button>
              <Button
                onClick={() => send("template-test")}
                loading={busy === "template-test"}
                disabled={problems.length > 0}
              >
                {t("settings.templates.test")}
              </Button>
              <Button
                variant="plain"
                tone="critical"
                onClick={() => {
                  setDraft(null);
                  submit({ intent: "template-reset", kind, locale, channel }, { method: "post" });
                }}
                disabled={!current.custom}
              >
                {t("settings.templates.reset")}
              </Button>
            </InlineStack>
          </BlockStack>
          <Box background="bg-surface-secondary" padding="400" borderRadius="200">
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                {t("settings.templates.preview")}
              </Text>
              {preview ? (
                <>
                  {preview.subject !== null ? (
                    <Text as="p" fontWeight="semibold" breakWord>
                      {preview.subject}
                    </Text>
                  ) : null}
                  <Divider />
                  {preview.html ? (
                    <MailPreview title={t("settings.templates.emailPreview")} html={preview.html} />
                  ) : (
                    <Text as="p" breakWord>
                      {preview.text}
                    </Text>
                  )}
                </>
              ) : (
                <Text as="p" tone="subdued">
                  {t("settings.templates.fixToPreview")}
                </Text>
              )}
            </BlockStack>
          </Box>
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}

/** The Delay rules card's fields: numbers as the text the seller types. */
type RulesForm = {
  [R in keyof RuleSettings]: {
    [K in keyof RuleSettings[R]]: RuleSettings[R][K] extends number ? string : RuleSettings[R][K];
  };
};

function rulesForm(rules: RuleSettings): RulesForm {
  return {
    handling_time: { ...rules.handling_time },
    on_hold: { ...rules.on_hold },
    carrier_exception: { ...rules.carrier_exception },
    eta_passed: { ...rules.eta_passed, graceHours: String(rules.eta_passed.graceHours) },
    stalled: { ...rules.stalled, days: String(rules.stalled.days) },
    likely_late: {
      ...rules.likely_late,
      percentile: String(rules.likely_late.percentile),
      minSamples: String(rules.likely_late.minSamples),
    },
  };
}

interface RuleNumberProps {
  label: string;
  range: { min: number; max: number };
  unit?: string;
  help?: string;
  disabled: boolean;
  value: string;
  error?: string;
  onChange(value: string): void;
}

/** A rule's number setting, its allowed range in the help text. */
function RuleNumber({ label, range, unit, help, disabled, value, error, onChange }: RuleNumberProps) {
  const { t } = useTranslation();
  const allowed = unit
    ? t("settings.rules.rangeUnit", { min: range.min, max: range.max, unit })
    : t("settings.rules.range", { min: range.min, max: range.max });
  return (
    <TextField
      label={label}
      type="number"
      min={range.min}
      max={range.max}
      disabled={disabled}
      value={value}
      onChange={onChange}
      autoComplete="off"
      error={error}
      helpText={help ? `${allowed} ${help}` : allowed}
    />
  );
}

/** Which of a rule's reasons count, by their labels. */
function RuleChoices(props: {
  title: string;
  labels: Record<string, string>;
  disabled: boolean;
  selected: string[];
  error?: string;
  onChange(selected: string[]): void;
}) {
  return (
    <ChoiceList
      title={props.title}
      titleHidden
      allowMultiple
      disabled={props.disabled}
      choices={Object.entries(props.labels).map(([value, label]) => ({ label, value }))}
      selected={props.selected}
      error={props.error}
      onChange={props.onChange}
    />
  );
}

/** Each code of `codes` with its words under `group` in the message files. */
function labelsOf(t: TFunction, group: string, codes: readonly string[]): Record<string, string> {
  return Object.fromEntries(codes.map((code) => [code, t(`${group}.${code}`)]));
}

function DelayRulesCard({
  rules,
  onChange,
  errorOf,
}: {
  rules: RulesForm;
  /** The new rules and the fields edited ("delayRules.stalled.days"). */
  onChange: (rules: RulesForm, edited: string[]) => void;
  errorOf: (path: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const edit = <R extends keyof RulesForm>(rule: R, patch: Partial<RulesForm[R]>) =>
    onChange({ ...rules, [rule]: { ...rules[rule], ...patch } }, [
      `delayRules.${rule}`,
      ...Object.keys(patch).map((key) => `delayRules.${rule}.${key}`),
    ]);
  const limits = RULE_LIMITS;
  const tunables: Partial<Record<keyof RulesForm, ReactNode>> = {
    on_hold: (
      <RuleChoices
        title={t("settings.rules.holdReasons")}
        disabled={!rules.on_hold.enabled}
        labels={labelsOf(t, "settings.holdReasons", HOLD_REASONS)}
        selected={rules.on_hold.reasons}
        error={errorOf("delayRules.on_hold.reasons")}
        onChange={(reasons) => edit("on_hold", { reasons })}
      />
    ),
    carrier_exception: (
      <RuleChoices
        title={t("settings.rules.carrierProblems")}
        disabled={!rules.carrier_exception.enabled}
        labels={labelsOf(t, "settings.carrierProblems", CARRIER_EXCEPTIONS)}
        selected={rules.carrier_exception.statuses}
        error={errorOf("delayRules.carrier_exception.statuses")}
        onChange={(statuses) => edit("carrier_exception", { statuses })}
      />
    ),
    eta_passed: (
      <RuleNumber
        label={t("settings.rules.grace")}
        range={limits.eta_passed.graceHours}
        disabled={!rules.eta_passed.enabled}
        value={rules.eta_passed.graceHours}
        error={errorOf("delayRules.eta_passed.graceHours")}
        onChange={(graceHours) => edit("eta_passed", { graceHours })}
        help={t("settings.rules.graceHelp")}
      />
    ),
    stalled: (
      <RuleNumber
        label={t("settings.rules.stalledDays")}
        range={limits.stalled.days}
        unit={t("settings.rules.unitDays")}
        disabled={!rules.stalled.enabled}
        value={rules.stalled.days}
        error={errorOf("delayRules.stalled.days")}
        onChange={(days) => edit("stalled", { days })}
      />
    ),
    likely_late: (
      <FormLayout.Group>
        <RuleNumber
          label={t("settings.rules.percentile")}
          range={limits.likely_late.percentile}
          disabled={!rules.likely_late.enabled}
          value={rules.likely_late.percentile}
          error={errorOf("delayRules.likely_late.percentile")}
          onChange={(percentile) => edit("likely_late", { percentile })}
          help={t("settings.rules.percentileHelp")}
        />
        <RuleNumber
          label={t("settings.rules.minSamples")}
          range={limits.likely_late.minSamples}
          unit={t("settings.rules.unitPerGroup")}
          disabled={!rules.likely_late.enabled}
          value={rules.likely_late.minSamples}
          error={errorOf("delayRules.likely_late.minSamples")}
          onChange={(minSamples) => edit("likely_late", { minSamples })}
          help={t("settings.rules.minSamplesHelp")}
        />
      </FormLayout.Group>
    ),
  };
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {t("settings.rules.heading")}
          </Text>
          <Text as="p" tone="subdued">
            {t("settings.rules.help")}
          </Text>
          {errorOf("delayRules") ? (
            <InlineError message={errorOf("delayRules")!} fieldID="settings-delayRules" />
          ) : null}
        </BlockStack>
        {RULES.map((rule) => (
          <BlockStack gap="200" key={rule}>
            <Checkbox
              label={t(`delays.rules.${rule}`)}
              helpText={t(`settings.rules.when.${rule}`)}
              checked={rules[rule].enabled}
              onChange={(enabled) => edit(rule, { enabled })}
              error={
                [errorOf(`delayRules.${rule}`), errorOf(`delayRules.${rule}.enabled`)].filter(Boolean).join(" ") ||
                undefined
              }
            />
            {tunables[rule] ? (
              <Box paddingInlineStart="600">
                <FormLayout>{tunables[rule]}</FormLayout>
              </Box>
            ) : null}
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}

export default function Settings() {
  const { settings, templates, shopName, returnPolicy, products, currency, etsy } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const saving = submitting === "settings";
  const [form, setForm] = useState({
    senderName: settings.senderName ?? "",
    senderEmail: settings.senderEmail ?? "",
    handlingDays: String(settings.handlingDays),
    holidayPreset: settings.holidayPreset ?? "none",
    holidays: settings.holidays.join("\n"),
    quietStart: settings.quietStart,
    quietEnd: settings.quietEnd,
    dailyCap: String(settings.dailyCap),
    followUpDays: String(settings.followUpDays),
    noticeKinds: settings.noticeKinds,
    delayRules: rulesForm(settings.delayRules),
  });
  // A refused save's findings stay on their fields until the seller edits the field (or saves again).
  // (The fields edited since `result` came; a new result starts with none.)
  const [edited, setEdited] = useState<{ since: unknown; paths: ReadonlySet<string> }>({
    since: result,
    paths: new Set(),
  });
  const editedPaths = edited.since === result ? edited.paths : null;
  const fieldErrors = result?.intent === "settings" && !result.ok ? result.fieldErrors : undefined;
  const errorOf = (path: string) => (editedPaths?.has(path) ? undefined : fieldErrors?.[path]);
  const markEdited = (paths: string[]) => {
    if (!fieldErrors) return;
    setEdited((previous) => {
      const known = previous.since === result ? previous.paths : new Set<string>();
      return paths.every((path) => known.has(path))
        ? previous
        : { since: result, paths: new Set([...known, ...paths]) };
    });
  };
  const set = (patch: Partial<typeof form>) => {
    setForm((previous) => ({ ...previous, ...patch }));
    markEdited(Object.keys(patch));
  };
  const save = () => {
    const payload = {
      ...form,
      holidays: form.holidays.split(/[\s,]+/).filter(Boolean),
    };
    submit({ intent: "settings", settings: JSON.stringify(payload) }, { method: "post" });
  };

  return (
    <Page
      title={t("settings.title")}
      primaryAction={{ content: t("settings.save"), onAction: save, loading: saving }}
      secondaryActions={[{ content: t("settings.noticesLog"), url: "/app/notices" }]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Result result={result} intents={["settings", "unknown"]} />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("settings.sender.heading")}
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField
                      id="settings-senderName"
                      label={t("settings.sender.name")}
                      error={errorOf("senderName")}
                      value={form.senderName}
                      onChange={(value) => set({ senderName: value })}
                      placeholder={shopName}
                      autoComplete="off"
                      helpText={t("settings.sender.nameHelp")}
                    />
                    <TextField
                      id="settings-senderEmail"
                      label={t("settings.sender.email")}
                      error={errorOf("senderEmail")}
                      type="email"
                      value={form.senderEmail}
                      onChange={(value) => set({ senderEmail: value })}
                      autoComplete="email"
                      helpText={t("settings.sender.emailHelp")}
                    />
                  </FormLayout.Group>
                </FormLayout>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("settings.shipping.heading")}
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField
                      id="settings-handlingDays"
                      label={t("settings.shipping.handling")}
                      error={errorOf("handlingDays")}
                      type="number"
                      min={0}
                      max={30}
                      value={form.handlingDays}
                      onChange={(value) => set({ handlingDays: value })}
                      autoComplete="off"
                      helpText={t("settings.shipping.handlingHelp")}
                    />
                    <Select
                      id="settings-holidayPreset"
                      label={t("settings.shipping.holidays")}
                      error={errorOf("holidayPreset")}
                      options={[
                        { label: t("settings.shipping.holidaysJapan"), value: "jp" },
                        { label: t("settings.shipping.holidaysNone"), value: "none" },
                      ]}
                      value={form.holidayPreset}
                      onChange={(value) => set({ holidayPreset: value as "jp" | "none" })}
                    />
                  </FormLayout.Group>
                  <TextField
                    id="settings-holidays"
                    label={t("settings.shipping.daysOff")}
                    error={errorOf("holidays")}
                    value={form.holidays}
                    onChange={(value) => set({ holidays: value })}
                    multiline={3}
                    autoComplete="off"
                    helpText={t("settings.shipping.daysOffHelp")}
                  />
                </FormLayout>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("settings.quiet.heading")}
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <Select
                      id="settings-quietStart"
                      label={t("settings.quiet.start")}
                      error={errorOf("quietStart")}
                      options={TIMES}
                      value={form.quietStart}
                      onChange={(value) => set({ quietStart: value })}
                    />
                    <Select
                      id="settings-quietEnd"
                      label={t("settings.quiet.end")}
                      error={errorOf("quietEnd")}
                      options={TIMES}
                      value={form.quietEnd}
                      onChange={(value) => set({ quietEnd: value })}
                      helpText={t("settings.quiet.help")}
                    />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField
                      id="settings-dailyCap"
                      label={t("settings.quiet.dailyCap")}
                      error={errorOf("dailyCap")}
                      type="number"
                      min={1}
                      max={20}
                      value={form.dailyCap}
                      onChange={(value) => set({ dailyCap: value })}
                      autoComplete="off"
                      helpText={t("settings.quiet.dailyCapHelp")}
                    />
                    <TextField
                      id="settings-followUpDays"
                      label={t("settings.quiet.followUp")}
                      error={errorOf("followUpDays")}
                      type="number"
                      min={1}
                      max={60}
                      value={form.followUpDays}
                      onChange={(value) => set({ followUpDays: value })}
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                </FormLayout>
              </BlockStack>
            </Card>
            <DelayRulesCard
              rules={form.delayRules}
              onChange={(delayRules, paths) => {
                set({ delayRules });
                markEdited(paths);
              }}
              errorOf={errorOf}
            />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("settings.kinds.heading")}
                </Text>
                {errorOf("noticeKinds") ? (
                  <InlineError message={errorOf("noticeKinds")!} fieldID="settings-noticeKinds" />
                ) : null}
                {NOTICE_KINDS.map((kind) => (
                  <Checkbox
                    key={kind}
                    label={t(`notices.kinds.${kind}`)}
                    helpText={
                      KINDS[kind].note
                        ? `${t(`settings.kinds.about.${kind}`)} ${t("settings.kinds.shopifyCovers")}`
                        : t(`settings.kinds.about.${kind}`)
                    }
                    checked={form.noticeKinds[kind]}
                    onChange={(checked) => set({ noticeKinds: { ...form.noticeKinds, [kind]: checked } })}
                  />
                ))}
              </BlockStack>
            </Card>
            <ReturnPolicyCard
              policy={returnPolicy}
              products={products}
              currency={currency}
              result={result}
              saving={submitting === RETURN_POLICY_INTENT}
              onSave={(policy) =>
                submit({ intent: RETURN_POLICY_INTENT, policy: JSON.stringify(policy) }, { method: "post" })
              }
            />
            <TemplateEditor saved={templates} shopName={shopName} result={result} />
            <EtsyLinkCard view={etsy} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
