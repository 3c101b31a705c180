// The Settings page's Return policy card: the window, final sale (tags and a
// product picker from the shop's mirror), reasons that need a photo or a note,
// automatic approval, what customers can choose, fees, "keep the item" and
// cancellations, with a live summary worded as the customer reads it. It has
// its own Save ("return-policy" intent); a refused save puts each finding on its
// field. No server imports: the route's action words the findings with
// `returnPolicyErrorText` too.
import {
  Badge,
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
  InlineStack,
  Tag,
  Text,
  TextField,
} from "@shopify/polaris";
import type { TFunction } from "i18next";
import { useMemo, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { intlLocale, matchLocale } from "../i18n/locales.ts";
import { currencyDigits, formatMoney, isDecimal } from "../money/decimal.ts";
import type { ReturnPolicyRules } from "../returns/policy.ts";

/** Shopify's standard return reason handles, in the order a seller thinks of them. */
export const STANDARD_REASON_HANDLES = [
  "damaged",
  "defective",
  "wrong-item",
  "not-as-described",
  "size-too-small",
  "size-too-large",
  "color",
  "style",
  "changed-mind",
  "arrived-late",
  "other",
] as const;

export const RETURN_POLICY_INTENT = "return-policy";

/** Where each field's finding is named in the summary ("Check Return window and Restocking fee (%)."). */
const FIELD_LABELS: Record<string, string> = {
  windowDays: "settings.returnPolicy.windowDays",
  finalSaleTags: "settings.returnPolicy.finalSaleTags",
  finalSaleProductIds: "settings.returnPolicy.finalSaleProducts",
  photoReasons: "settings.returnPolicy.photoReasons",
  noteReasons: "settings.returnPolicy.noteReasons",
  autoApprove: "settings.returnPolicy.autoApprove",
  autoApproveUpTo: "settings.returnPolicy.autoApproveUpTo",
  autoApproveExchanges: "settings.returnPolicy.autoApproveExchanges",
  restockingFeePercent: "settings.returnPolicy.restockingFeePercent",
  returnShippingFee: "settings.returnPolicy.returnShippingFee",
  offerRefund: "settings.returnPolicy.sections.resolutions",
  offerExchanges: "settings.returnPolicy.sections.resolutions",
  offerStoreCredit: "settings.returnPolicy.sections.resolutions",
  storeCreditBonusPercent: "settings.returnPolicy.storeCreditBonusPercent",
  keepItemUpTo: "settings.returnPolicy.keepItemUpTo",
  allowCancel: "settings.returnPolicy.allowCancel",
};

export const AMOUNT_FIELDS = ["autoApproveUpTo", "returnShippingFee", "keepItemUpTo"] as const;

/** A field's name as the seller reads it on the card; null for a finding about the whole form. */
export function returnPolicyFieldLabel(t: TFunction, field: string): string | null {
  const key = FIELD_LABELS[field];
  return key ? t(key) : null;
}

/** An amount as the currency writes one: "500" in JPY, "5.00" in USD. */
function exampleAmount(currency: string): string {
  const digits = currencyDigits(currency);
  return digits === 0 ? "500" : `5.${"0".repeat(digits)}`;
}

/**
 * A finding of saveReturnPolicy (code: the field's name, "noResolution" or "form") or of the
 * route's currency check ("decimals"), in the admin's language.
 */
export function returnPolicyErrorText(t: TFunction, field: string, code: string, currency: string): string {
  const label = returnPolicyFieldLabel(t, field) ?? "";
  if (code === "decimals") {
    const digits = currencyDigits(currency);
    return digits === 0
      ? t("settings.returnPolicy.errors.decimals", { field: label, currency })
      : t("settings.returnPolicy.errors.tooManyDecimals", { field: label, currency, digits });
  }
  if (code === "noResolution") return t("settings.returnPolicy.errors.noResolution");
  if (code !== "form" && FIELD_LABELS[code])
    return t(`settings.returnPolicy.errors.${code}`, { example: exampleAmount(currency) });
  return t("settings.returnPolicy.errors.form");
}

/** The card's fields as the seller types them. */
export interface PolicyForm {
  windowDays: string;
  finalSaleTags: string;
  finalSaleProductIds: string[];
  photoReasons: string[];
  noteReasons: string[];
  autoApprove: boolean;
  autoApproveUpTo: string;
  autoApproveExchanges: boolean;
  restockingFeePercent: string;
  returnShippingFee: string;
  offerRefund: boolean;
  offerExchanges: boolean;
  offerStoreCredit: boolean;
  storeCreditBonusPercent: string;
  keepItemUpTo: string;
  allowCancel: boolean;
}

export function policyForm(policy: ReturnPolicyRules): PolicyForm {
  return {
    ...policy,
    windowDays: String(policy.windowDays),
    finalSaleTags: policy.finalSaleTags.join(", "),
    autoApproveUpTo: policy.autoApproveUpTo ?? "",
    restockingFeePercent: String(policy.restockingFeePercent),
    storeCreditBonusPercent: String(policy.storeCreditBonusPercent),
    keepItemUpTo: policy.keepItemUpTo ?? "",
  };
}

/** What the save sends: tags as a list; numbers stay as typed (the server checks them). */
export function policyPayload(form: PolicyForm) {
  return {
    ...form,
    finalSaleTags: form.finalSaleTags
      .split(/[,、\n]/)
      .map((tag) => tag.trim())
      .filter(Boolean),
  };
}

/** A whole number the save would take (within `max`), else null: the summary leaves out what cannot be saved. */
const wholeOf = (text: string, max: number): number | null =>
  /^\s*\d{1,6}\s*$/.test(text) && Number(text) <= max ? Number(text) : null;
const amountOf = (text: string): string | null =>
  isDecimal(text) && !text.trim().startsWith("-") ? text.trim() : null;

/** The policy in the customer's words, as the order page explains it (sentences; what cannot be read yet is left out). */
export function policySummary(t: TFunction, form: PolicyForm, currency: string, locale: string): string[] {
  const money = (amount: string) => formatMoney(amount, currency, intlLocale(matchLocale(locale) ?? "en"));
  const list = (items: string[]) =>
    new Intl.ListFormat(intlLocale(matchLocale(locale) ?? "en"), { type: "disjunction" }).format(items);
  const sentences: string[] = [];
  const days = wholeOf(form.windowDays, 365);
  if (days === 0) sentences.push(t("settings.returnPolicy.summary.noReturns"));
  else if (days !== null) sentences.push(t("settings.returnPolicy.summary.window", { count: days }));
  if (days === 0) {
    if (form.allowCancel) sentences.push(t("settings.returnPolicy.summary.cancel"));
    return sentences;
  }
  if (!form.autoApprove) sentences.push(t("settings.returnPolicy.summary.sellerReviews"));
  else {
    const upTo = amountOf(form.autoApproveUpTo);
    // An amount being typed that is not one yet says nothing rather than "any amount".
    if (upTo) sentences.push(t("settings.returnPolicy.summary.approvedUpTo", { amount: money(upTo) }));
    else if (!form.autoApproveUpTo.trim()) sentences.push(t("settings.returnPolicy.summary.approvedAtOnce"));
    if (form.offerExchanges && !form.autoApproveExchanges)
      sentences.push(t("settings.returnPolicy.summary.exchangesReviewed"));
  }
  const bonus = wholeOf(form.storeCreditBonusPercent, 100) ?? 0;
  const choices = [
    form.offerRefund ? t("settings.returnPolicy.summary.choiceRefund") : null,
    form.offerStoreCredit
      ? bonus > 0
        ? t("settings.returnPolicy.summary.choiceStoreCreditBonus", { percent: bonus })
        : t("settings.returnPolicy.summary.choiceStoreCredit")
      : null,
    form.offerExchanges ? t("settings.returnPolicy.summary.choiceExchange") : null,
  ].filter((choice): choice is string => choice !== null);
  if (choices.length) sentences.push(t("settings.returnPolicy.summary.choices", { choices: list(choices) }));
  const restocking = wholeOf(form.restockingFeePercent, 100) ?? 0;
  const shipping = amountOf(form.returnShippingFee);
  const fees = [
    restocking > 0 ? t("settings.returnPolicy.summary.restockingFee", { percent: restocking }) : null,
    shipping && /[1-9]/.test(shipping)
      ? t("settings.returnPolicy.summary.shippingFee", { amount: money(shipping) })
      : null,
  ].filter((fee): fee is string => fee !== null);
  if (fees.length)
    sentences.push(
      t("settings.returnPolicy.summary.fees", {
        fees: new Intl.ListFormat(intlLocale(matchLocale(locale) ?? "en"), { type: "conjunction" }).format(fees),
      }),
    );
  const keep = amountOf(form.keepItemUpTo);
  if (keep) sentences.push(t("settings.returnPolicy.summary.keepItem", { amount: money(keep) }));
  if (form.finalSaleProductIds.length || policyPayload(form).finalSaleTags.length)
    sentences.push(t("settings.returnPolicy.summary.finalSale"));
  if (form.allowCancel) sentences.push(t("settings.returnPolicy.summary.cancel"));
  return sentences;
}

/** The currency's sign as the admin's language writes it (JPY: ￥ in Japanese, ¥ in English). */
function currencySymbol(currency: string, locale: string): string {
  try {
    const parts = new Intl.NumberFormat(intlLocale(matchLocale(locale) ?? "en"), {
      style: "currency",
      currency,
    }).formatToParts(0);
    return parts.find((part) => part.type === "currency")?.value ?? currency;
  } catch {
    return currency;
  }
}

export interface PolicyProduct {
  id: string;
  title: string;
}

export interface ReturnPolicyResult {
  ok: boolean;
  message: string;
  errors?: string[];
  fieldErrors?: Record<string, string>;
  intent: string;
}

const MAX_MATCHES = 8;

function ProductPicker({
  products,
  selected,
  error,
  onChange,
}: {
  products: PolicyProduct[];
  selected: string[];
  error?: string;
  onChange(selected: string[]): void;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const titleOf = useMemo(() => new Map(products.map((product) => [product.id, product.title])), [products]);
  const folded = query.trim().toLowerCase();
  const matches = folded
    ? products.filter((product) => !selected.includes(product.id) && product.title.toLowerCase().includes(folded))
    : [];
  return (
    <BlockStack gap="200">
      <TextField
        id="returnPolicy-finalSaleProductIds"
        label={t("settings.returnPolicy.finalSaleProducts")}
        placeholder={t("settings.returnPolicy.productSearchPlaceholder")}
        value={query}
        onChange={setQuery}
        autoComplete="off"
        clearButton
        onClearButtonClick={() => setQuery("")}
        helpText={
          products.length ? t("settings.returnPolicy.finalSaleProductsHelp") : t("settings.returnPolicy.noProducts")
        }
        error={error}
        disabled={products.length === 0 && selected.length === 0}
      />
      {folded ? (
        matches.length ? (
          <Box paddingInlineStart="200">
            <BlockStack gap="100">
              {matches.slice(0, MAX_MATCHES).map((product) => (
                <InlineStack key={product.id} gap="200" blockAlign="center" wrap={false}>
                  <Button
                    size="slim"
                    onClick={() => onChange([...selected, product.id])}
                    accessibilityLabel={`${t("settings.returnPolicy.productSearch")}: ${product.title}`}
                  >
                    {t("settings.returnPolicy.add")}
                  </Button>
                  <Text as="span" breakWord>
                    {product.title}
                  </Text>
                </InlineStack>
              ))}
              {matches.length > MAX_MATCHES ? (
                <Text as="p" tone="subdued">
                  {t("settings.returnPolicy.moreMatches", { shown: MAX_MATCHES })}
                </Text>
              ) : null}
            </BlockStack>
          </Box>
        ) : (
          <Text as="p" tone="subdued">
            {t("settings.returnPolicy.noMatches", { query: query.trim() })}
          </Text>
        )
      ) : null}
      {selected.length ? (
        <InlineStack gap="200">
          {selected.map((id) => {
            const title = titleOf.get(id) ?? t("settings.returnPolicy.unknownProduct", { id });
            return (
              <Tag
                key={id}
                onRemove={() => onChange(selected.filter((other) => other !== id))}
                accessibilityLabel={t("settings.returnPolicy.removeProduct", { title })}
              >
                {title}
              </Tag>
            );
          })}
        </InlineStack>
      ) : null}
    </BlockStack>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <BlockStack gap="300">
      <Divider />
      <Text as="h3" variant="headingSm">
        {title}
      </Text>
      {children}
    </BlockStack>
  );
}

export function ReturnPolicyCard({
  policy,
  products,
  currency,
  result,
  saving,
  onSave,
}: {
  policy: ReturnPolicyRules;
  products: PolicyProduct[];
  /** The shop's currency (ISO code). */
  currency: string;
  /** The page's last action result; the card shows it when it is the card's own. */
  result?: ReturnPolicyResult;
  saving: boolean;
  onSave(payload: ReturnType<typeof policyPayload>): void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const saved = useMemo(() => policyForm(policy), [policy]);
  const [form, setForm] = useState<PolicyForm>(saved);
  // A saved policy (this page's save, or another tab's) replaces what the card shows.
  const [base, setBase] = useState(saved);
  if (base !== saved && JSON.stringify(base) !== JSON.stringify(saved)) {
    setBase(saved);
    setForm(saved);
  }
  const own = result?.intent === RETURN_POLICY_INTENT ? result : undefined;
  // A refused save's findings stay on their fields until the seller edits the field.
  const [edited, setEdited] = useState<{ since: unknown; fields: ReadonlySet<string> }>({
    since: own,
    fields: new Set(),
  });
  const fieldErrors = own && !own.ok ? own.fieldErrors : undefined;
  const errorOf = (field: string) =>
    edited.since === own && edited.fields.has(field) ? undefined : fieldErrors?.[field];
  const set = (patch: Partial<PolicyForm>) => {
    setForm((previous) => ({ ...previous, ...patch }));
    if (!fieldErrors) return;
    setEdited((previous) => {
      const known = previous.since === own ? previous.fields : new Set<string>();
      return { since: own, fields: new Set([...known, ...Object.keys(patch)]) };
    });
  };
  const dirty = JSON.stringify(policyPayload(form)) !== JSON.stringify(policyPayload(saved));
  const symbol = currencySymbol(currency, locale);
  const reasons = [...STANDARD_REASON_HANDLES, ...new Set([...policy.photoReasons, ...policy.noteReasons])].filter(
    (handle, index, all) => all.indexOf(handle) === index,
  );
  const reasonChoices = reasons.map((handle) => ({
    value: handle,
    label: (STANDARD_REASON_HANDLES as readonly string[]).includes(handle)
      ? t(`settings.returnPolicy.reasons.${handle}`)
      : handle,
  }));
  const summary = policySummary(t, form, currency, locale);
  const amountField = (field: (typeof AMOUNT_FIELDS)[number], disabled = false) => (
    <TextField
      id={`returnPolicy-${field}`}
      label={t(`settings.returnPolicy.${field}`)}
      helpText={t(`settings.returnPolicy.${field}Help`)}
      prefix={symbol}
      inputMode="decimal"
      value={form[field]}
      onChange={(value) => set({ [field]: value })}
      autoComplete="off"
      disabled={disabled}
      error={errorOf(field)}
    />
  );
  const percentField = (field: "restockingFeePercent" | "storeCreditBonusPercent", disabled = false) => (
    <TextField
      id={`returnPolicy-${field}`}
      label={t(`settings.returnPolicy.${field}`)}
      helpText={t(`settings.returnPolicy.${field}Help`)}
      type="number"
      min={0}
      max={100}
      suffix="%"
      value={form[field]}
      onChange={(value) => set({ [field]: value })}
      autoComplete="off"
      disabled={disabled}
      error={errorOf(field)}
    />
  );

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              {t("settings.returnPolicy.heading")}
            </Text>
            {dirty ? <Badge tone="attention">{t("settings.returnPolicy.unsaved")}</Badge> : null}
          </InlineStack>
          <Text as="p" tone="subdued">
            {t("settings.returnPolicy.help")}
          </Text>
          <Text as="p" tone="subdued">
            {t("settings.returnPolicy.savedSeparately")} {t("settings.returnPolicy.currency", { currency })}
          </Text>
        </BlockStack>
        {own ? (
          <Banner tone={own.ok ? "success" : "critical"} title={own.message}>
            {own.errors?.length ? (
              <BlockStack gap="100">
                {own.errors.map((error) => (
                  <Text as="p" key={error}>
                    {error}
                  </Text>
                ))}
              </BlockStack>
            ) : null}
          </Banner>
        ) : null}

        <Section title={t("settings.returnPolicy.sections.window")}>
          <FormLayout>
            <TextField
              id="returnPolicy-windowDays"
              label={t("settings.returnPolicy.windowDays")}
              helpText={t("settings.returnPolicy.windowDaysHelp")}
              type="number"
              min={0}
              max={365}
              value={form.windowDays}
              onChange={(windowDays) => set({ windowDays })}
              autoComplete="off"
              error={errorOf("windowDays")}
            />
            <TextField
              id="returnPolicy-finalSaleTags"
              label={t("settings.returnPolicy.finalSaleTags")}
              helpText={t("settings.returnPolicy.finalSaleTagsHelp")}
              value={form.finalSaleTags}
              onChange={(finalSaleTags) => set({ finalSaleTags })}
              autoComplete="off"
              error={errorOf("finalSaleTags")}
            />
            <ProductPicker
              products={products}
              selected={form.finalSaleProductIds}
              error={errorOf("finalSaleProductIds")}
              onChange={(finalSaleProductIds) => set({ finalSaleProductIds })}
            />
          </FormLayout>
        </Section>

        <Section title={t("settings.returnPolicy.sections.reasons")}>
          <FormLayout>
            <FormLayout.Group>
              {(["photoReasons", "noteReasons"] as const).map((field) => (
                <BlockStack gap="100" key={field}>
                  <ChoiceList
                    title={t(`settings.returnPolicy.${field}`)}
                    allowMultiple
                    choices={reasonChoices.map((choice) => ({
                      ...choice,
                      id: `returnPolicy-${field}-${choice.value}`,
                    }))}
                    selected={form[field]}
                    onChange={(selected) => set({ [field]: selected })}
                    error={errorOf(field)}
                  />
                  <Text as="p" tone="subdued">
                    {t(`settings.returnPolicy.${field}Help`)}
                  </Text>
                </BlockStack>
              ))}
            </FormLayout.Group>
          </FormLayout>
        </Section>

        <Section title={t("settings.returnPolicy.sections.approval")}>
          <FormLayout>
            <Checkbox
              id="returnPolicy-autoApprove"
              label={t("settings.returnPolicy.autoApprove")}
              helpText={t("settings.returnPolicy.autoApproveHelp")}
              checked={form.autoApprove}
              onChange={(autoApprove) => set({ autoApprove })}
              error={errorOf("autoApprove")}
            />
            <Box paddingInlineStart="600">
              <FormLayout>
                {amountField("autoApproveUpTo", !form.autoApprove)}
                <Checkbox
                  id="returnPolicy-autoApproveExchanges"
                  label={t("settings.returnPolicy.autoApproveExchanges")}
                  helpText={t("settings.returnPolicy.autoApproveExchangesHelp")}
                  checked={form.autoApproveExchanges}
                  disabled={!form.autoApprove || !form.offerExchanges}
                  onChange={(autoApproveExchanges) => set({ autoApproveExchanges })}
                  error={errorOf("autoApproveExchanges")}
                />
              </FormLayout>
            </Box>
          </FormLayout>
        </Section>

        <Section title={t("settings.returnPolicy.sections.resolutions")}>
          <BlockStack gap="200">
            <Text as="p" tone="subdued">
              {t("settings.returnPolicy.resolutionsHelp")}
            </Text>
            {(["offerRefund", "offerStoreCredit", "offerExchanges"] as const).map((field) => (
              <BlockStack gap="200" key={field}>
                <Checkbox
                  id={`returnPolicy-${field}`}
                  label={t(`settings.returnPolicy.${field}`)}
                  helpText={t(`settings.returnPolicy.${field}Help`)}
                  checked={form[field]}
                  // Any of the three answers "offer at least one" (its finding is keyed on offerRefund).
                  onChange={(checked) => set({ offerRefund: form.offerRefund, [field]: checked })}
                  error={field === "offerRefund" ? undefined : errorOf(field)}
                />
                {field === "offerStoreCredit" ? (
                  <Box paddingInlineStart="600">{percentField("storeCreditBonusPercent", !form.offerStoreCredit)}</Box>
                ) : null}
              </BlockStack>
            ))}
            {errorOf("offerRefund") ? (
              <InlineError message={errorOf("offerRefund")!} fieldID="returnPolicy-offerRefund" />
            ) : null}
          </BlockStack>
        </Section>

        <Section title={t("settings.returnPolicy.sections.fees")}>
          <FormLayout>
            <FormLayout.Group>
              {percentField("restockingFeePercent")}
              {amountField("returnShippingFee")}
            </FormLayout.Group>
          </FormLayout>
        </Section>

        <Section title={t("settings.returnPolicy.sections.keepItem")}>
          <FormLayout>{amountField("keepItemUpTo")}</FormLayout>
        </Section>

        <Section title={t("settings.returnPolicy.sections.cancel")}>
          <Checkbox
            id="returnPolicy-allowCancel"
            label={t("settings.returnPolicy.allowCancel")}
            helpText={t("settings.returnPolicy.allowCancelHelp")}
            checked={form.allowCancel}
            onChange={(allowCancel) => set({ allowCancel })}
            error={errorOf("allowCancel")}
          />
        </Section>

        <Box background="bg-surface-secondary" padding="400" borderRadius="200">
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {t("settings.returnPolicy.summaryHeading")}
            </Text>
            <Text as="p" id="returnPolicy-summary">
              {summary.join(matchLocale(locale) === "ja" ? "" : " ")}
            </Text>
          </BlockStack>
        </Box>

        <InlineStack gap="200" blockAlign="center">
          <Button variant="primary" onClick={() => onSave(policyPayload(form))} loading={saving}>
            {t("settings.returnPolicy.save")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
