// Theme app extensions from extensions/, read the way Shopify reads them
// (shopify.extension.toml with type = "theme", blocks/*.liquid with a
// {% schema %}, assets/, snippets/, locales/) and rendered with liquidjs plus
// the Shopify filters a block uses: t, asset_url, money, script_tag, stylesheet_tag.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Liquid } from "liquidjs";
import { escapeHtml } from "../http.ts";

export interface BlockSetting {
  id?: string;
  type: string;
  default?: unknown;
}

export interface BlockSchema {
  name: string;
  /** "section": an app block placed in a section; "head"/"body": an app embed. */
  target: "section" | "head" | "body";
  javascript?: string;
  stylesheet?: string;
  settings?: BlockSetting[];
  enabled_on?: { templates?: string[] };
}

export interface ThemeBlock {
  /** The extension's folder name, e.g. "kizuna-notify". */
  extension: string;
  /** The block's file name without .liquid, e.g. "notify-me". */
  name: string;
  schema: BlockSchema;
  /** The Liquid source without its schema. */
  source: string;
  dir: string;
}

const SCHEMA_TAG = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/;

/** Every block of every theme extension under `extensionsDir`, read fresh so edits show on reload. */
export async function loadThemeBlocks(extensionsDir: string): Promise<ThemeBlock[]> {
  if (!existsSync(extensionsDir)) return [];
  const blocks: ThemeBlock[] = [];
  for (const extension of (await readdir(extensionsDir)).sort()) {
    const dir = join(extensionsDir, extension);
    if (!(await isThemeExtension(dir))) continue;
    const blockDir = join(dir, "blocks");
    if (!existsSync(blockDir)) continue;
    for (const file of (await readdir(blockDir)).filter((name) => name.endsWith(".liquid")).sort()) {
      const text = await readFile(join(blockDir, file), "utf8");
      const match = SCHEMA_TAG.exec(text);
      if (!match?.[1]) throw new Error(`${extension}/blocks/${file} has no {% schema %}`);
      const schema = JSON.parse(match[1]) as BlockSchema;
      blocks.push({
        extension,
        name: file.replace(/\.liquid$/, ""),
        schema,
        source: text.replace(SCHEMA_TAG, ""),
        dir,
      });
    }
  }
  return blocks;
}

async function isThemeExtension(dir: string): Promise<boolean> {
  const toml = join(dir, "shopify.extension.toml");
  if (!existsSync(toml)) return false;
  return /^\s*type\s*=\s*"theme"\s*$/m.test(await readFile(toml, "utf8"));
}

/** True when the block may appear on this template (no enabled_on means everywhere). */
export function blockEnabledOn(block: ThemeBlock, template: string): boolean {
  const templates = block.schema.enabled_on?.templates;
  return !templates || templates.includes("*") || templates.includes(template);
}

export interface RenderBlockInput {
  /** Shopify-like Liquid objects: product, shop, request, routes, … */
  objects: Record<string, unknown>;
  /** Merchant settings over the schema's defaults. */
  settings?: Record<string, unknown>;
  locale: string;
  currency: string;
  /** Where /store/extensions/<ext>/assets/ is served. */
  assetBase: string;
  blockId: string;
}

/** The block's HTML inside Shopify's wrapper, with its schema javascript/stylesheet linked. */
export async function renderBlock(block: ThemeBlock, input: RenderBlockInput): Promise<string> {
  const translations = await loadLocales(join(block.dir, "locales"));
  const assetUrl = (file: string) =>
    `${input.assetBase}/${encodeURIComponent(block.extension)}/assets/${encodeURIComponent(file)}`;
  const engine = createEngine({ block, translations, locale: input.locale, currency: input.currency, assetUrl });
  const settings = { ...schemaDefaults(block.schema), ...input.settings };
  const html = (await engine.parseAndRender(block.source, {
    ...input.objects,
    block: { id: input.blockId, type: "@app", settings, shopify_attributes: "" },
  })) as string;
  const css = block.schema.stylesheet
    ? `<link rel="stylesheet" href="${escapeHtml(assetUrl(block.schema.stylesheet))}">`
    : "";
  const js = block.schema.javascript
    ? `<script src="${escapeHtml(assetUrl(block.schema.javascript))}" defer></script>`
    : "";
  return `${css}<div id="shopify-block-${escapeHtml(input.blockId)}" class="shopify-app-block">${html}</div>${js}`;
}

function schemaDefaults(schema: BlockSchema): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const setting of schema.settings ?? []) {
    if (setting.id) defaults[setting.id] = setting.default ?? null;
  }
  return defaults;
}

type Translations = Map<string, Record<string, unknown>>;

/** locales/<code>.json and <code>.default.json; the default is stored under "default" too. */
async function loadLocales(dir: string): Promise<Translations> {
  const result: Translations = new Map();
  if (!existsSync(dir)) return result;
  for (const file of await readdir(dir)) {
    const match = /^([a-zA-Z-]+)(\.default)?\.json$/.exec(file);
    if (!match?.[1]) continue;
    const data = JSON.parse(await readFile(join(dir, file), "utf8")) as Record<string, unknown>;
    result.set(match[1], data);
    if (match[2]) result.set("default", data);
  }
  return result;
}

interface EngineInput {
  block: ThemeBlock;
  translations: Translations;
  locale: string;
  currency: string;
  assetUrl: (file: string) => string;
}

function createEngine(input: EngineInput): Liquid {
  const snippets = join(input.block.dir, "snippets");
  const engine = new Liquid({ root: [snippets], partials: [snippets], extname: ".liquid", cache: false });
  engine.registerFilter("t", (key: unknown, ...args: unknown[]) => translate(input, String(key), namedArgs(args)));
  engine.registerFilter("asset_url", (file: unknown) => input.assetUrl(String(file)));
  engine.registerFilter("money", (cents: unknown) => formatMoney(cents, input.currency, input.locale));
  engine.registerFilter("money_with_currency", (cents: unknown) => {
    return `${formatMoney(cents, input.currency, input.locale)} ${input.currency}`;
  });
  engine.registerFilter("script_tag", (url: unknown) => `<script src="${escapeHtml(String(url))}"></script>`);
  engine.registerFilter("stylesheet_tag", (url: unknown) => {
    return `<link href="${escapeHtml(String(url))}" rel="stylesheet" type="text/css" media="all">`;
  });
  return engine;
}

/** liquidjs hands `key: value` filter arguments over as [key, value] pairs. */
function namedArgs(args: unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const arg of args) {
    if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === "string") named[arg[0]] = arg[1];
  }
  return named;
}

/**
 * Shopify's `t`: the shopper's locale, then the default locale; "{{ name }}"
 * interpolation; the result is HTML-escaped unless the key ends in "_html".
 */
function translate(input: EngineInput, key: string, variables: Record<string, unknown>): string {
  const language = input.locale.split("-")[0] ?? input.locale;
  const candidates = [input.locale, language, "default"].map((code) => input.translations.get(code));
  const found = candidates.map((data) => lookup(data, key)).find((value) => typeof value === "string");
  if (typeof found !== "string") return `translation missing: ${escapeHtml(input.locale)}.${escapeHtml(key)}`;
  const text = found.replace(/{{\s*(\w+)\s*}}/g, (_match, name: string) => String(variables[name] ?? ""));
  return key.endsWith("_html") ? text : escapeHtml(text);
}

function lookup(data: Record<string, unknown> | undefined, key: string): unknown {
  let node: unknown = data;
  for (const part of key.split(".")) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** An app proxy answer sent as application/liquid: rendered with the shop's objects, as Shopify does. */
export async function renderLiquidPage(
  source: string,
  objects: Record<string, unknown>,
  options: { currency: string; locale: string },
): Promise<string> {
  const engine = new Liquid({ cache: false });
  engine.registerFilter("money", (cents: unknown) => formatMoney(cents, options.currency, options.locale));
  // {% layout none %} only tells the storefront not to wrap the page; it renders nothing.
  const body = source.replace(/{%-?\s*layout\s+none\s*-?%}/g, "");
  return (await engine.parseAndRender(body, objects)) as string;
}

/** Liquid money values are in the currency's hundredths (JPY included), as on Shopify. */
export function formatMoney(cents: unknown, currency: string, locale: string): string {
  const amount = Number(cents) / 100;
  if (!Number.isFinite(amount)) return "";
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
}
