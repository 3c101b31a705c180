// The template language: `{{variable}}`, `{{#if variable}}…{{/if}}` and
// `{{#unless variable}}…{{/unless}}` (may nest), and for email two blocks:
// `{{#button urlVariable}}label{{/button}}` (a button in HTML, "label: URL" in
// text) and `{{#image urlVariable}}alt text{{/image}}` (an image in HTML,
// nothing in text). Nothing else. Values are escaped in HTML; URL variables
// become links there, and only http(s) URLs are ever linked or shown.
// Client-safe: the settings page renders its live preview with it.
import type { VariableType } from "./kinds.ts";

type Node =
  | { type: "text"; value: string }
  | { type: "var"; name: string }
  | { type: "if"; name: string; children: Node[]; negated: boolean }
  | { type: "button" | "image"; name: string; children: Node[] };

type Block = "if" | "unless" | "button" | "image";

export class TemplateError extends Error {}

const TAG =
  /\{\{\s*(#if\s+|#unless\s+|#button\s+|#image\s+|\/if\s*|\/unless\s*|\/button\s*|\/image\s*)?([A-Za-z][A-Za-z0-9_]*)?\s*\}\}/g;

const CLOSING = new Set(["/if", "/unless", "/button", "/image"]);

export function parseTemplate(source: string): Node[] {
  const root: Node[] = [];
  const stack: { name: string; children: Node[]; block: Block }[] = [];
  let current = root;
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const index = match.index ?? 0;
    if (index > last) current.push({ type: "text", value: source.slice(last, index) });
    last = index + match[0].length;
    const keyword = (match[1] ?? "").trim();
    const name = match[2];
    if (CLOSING.has(keyword)) {
      const block = keyword.slice(1) as Block;
      const open = stack.pop();
      if (!open || open.block !== block)
        throw new TemplateError(`There is a {{/${block}}} without a matching {{#${block} …}}.`);
      current = stack.length ? stack[stack.length - 1]!.children : root;
      continue;
    }
    if (!name) throw new TemplateError(`"${match[0]}" is not a variable. Write variables like {{customerName}}.`);
    if (keyword === "#if" || keyword === "#unless") {
      const block = keyword.slice(1) as Block;
      const node = { type: "if" as const, name, children: [] as Node[], negated: block === "unless" };
      current.push(node);
      stack.push({ name, children: node.children, block });
      current = node.children;
    } else if (keyword === "#button" || keyword === "#image") {
      const block = keyword.slice(1) as "button" | "image";
      if (stack.some((open) => open.block === "button" || open.block === "image"))
        throw new TemplateError(`{{#${block} ${name}}} cannot be inside a {{#button}} or {{#image}}.`);
      const node = { type: block, name, children: [] as Node[] };
      current.push(node);
      stack.push({ name, children: node.children, block });
      current = node.children;
    } else {
      current.push({ type: "var", name });
    }
  }
  if (last < source.length) current.push({ type: "text", value: source.slice(last) });
  const unclosed = stack[stack.length - 1];
  if (unclosed)
    throw new TemplateError(`{{#${unclosed.block} ${unclosed.name}}} is never closed with {{/${unclosed.block}}}.`);
  const stray = /\{\{|\}\}/.exec(source.replace(TAG, ""));
  if (stray)
    throw new TemplateError('There is a "{{" or "}}" that is not a variable. Write variables like {{orderName}}.');
  return root;
}

/** Names used in a template (variables and conditions). */
export function variablesUsed(source: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.type === "var") names.add(node.name);
      if (node.type !== "var" && node.type !== "text") {
        names.add(node.name);
        walk(node.children);
      }
    }
  };
  walk(parseTemplate(source));
  return [...names];
}

/** A problem with a template in words the seller understands, or null when it is fine. */
export function checkTemplate(source: string, allowed: Record<string, VariableType>): string | null {
  let used: string[];
  try {
    used = variablesUsed(source);
  } catch (error) {
    return error instanceof TemplateError ? error.message : "The template could not be read.";
  }
  const unknown = used.filter((name) => !(name in allowed));
  if (unknown.length === 0) return linkProblem(source, allowed);
  const list = unknown.map((name) => `{{${name}}}`).join(", ");
  const known = Object.keys(allowed)
    .map((name) => `{{${name}}}`)
    .join(", ");
  return `Unknown variable${unknown.length > 1 ? "s" : ""} ${list}. You can use: ${known}.`;
}

/** A {{#button}} or {{#image}} must name a link variable (type url). */
function linkProblem(source: string, allowed: Record<string, VariableType>): string | null {
  const walk = (nodes: Node[]): string | null => {
    for (const node of nodes) {
      if (node.type === "var" || node.type === "text") continue;
      if (node.type !== "if" && allowed[node.name] !== "url")
        return `{{#${node.type} ${node.name}}} needs a link variable, such as ${
          Object.entries(allowed)
            .filter(([, type]) => type === "url")
            .map(([name]) => `{{${name}}}`)
            .join(", ") || "a URL"
        }.`;
      const inner = walk(node.children);
      if (inner) return inner;
    }
    return null;
  };
  return walk(parseTemplate(source));
}

/** Only absolute http(s) URLs without spaces, quotes or angle brackets are linked or shown as images. */
export function isSafeUrl(value: string): boolean {
  return /^https?:\/\/[^\s"<>]+$/i.test(value);
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export interface RenderOptions {
  /** text: as is; line: CR/LF become spaces (subjects); html: escaped, URLs as links. */
  mode: "text" | "line" | "html";
  types?: Record<string, VariableType>;
}

function renderNodes(nodes: Node[], values: Record<string, string>, options: RenderOptions): string {
  let out = "";
  for (const node of nodes) {
    if (node.type === "text") {
      out += options.mode === "html" ? escapeHtml(node.value) : node.value;
    } else if (node.type === "if") {
      const present = (values[node.name] ?? "").trim() !== "";
      if (present !== node.negated) out += renderNodes(node.children, values, options);
    } else if (node.type === "button" || node.type === "image") {
      out += renderLinkBlock(node.type, (values[node.name] ?? "").trim(), node.children, values, options);
    } else {
      const value = values[node.name] ?? "";
      if (options.mode === "line") out += value.replace(/[\r\n]+/g, " ");
      else if (options.mode === "text") out += value;
      else if (options.types?.[node.name] === "url" && isSafeUrl(value)) {
        out += `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>`;
      } else out += escapeHtml(value);
    }
  }
  return out;
}

/**
 * A button: a bulletproof table button in HTML (inline styles, no CSS), "label: URL"
 * in text. An image: width-limited, its alt text the block's text, nothing in text.
 * Without a safe URL neither shows (no broken image, no dead button).
 */
function renderLinkBlock(
  type: "button" | "image",
  url: string,
  children: Node[],
  values: Record<string, string>,
  options: RenderOptions,
): string {
  const label = renderNodes(children, values, { ...options, mode: "line" }).trim();
  if (!isSafeUrl(url)) return "";
  if (options.mode !== "html") return type === "button" ? `${label}: ${url}` : "";
  const href = escapeHtml(url);
  if (type === "image") {
    return `<img src="${href}" alt="${escapeHtml(label)}" width="480" style="display:block;width:100%;max-width:480px;height:auto;border:0;outline:none;text-decoration:none;margin:0 0 12px;border-radius:6px">`;
  }
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:separate;margin:12px 0 0"><tr>` +
    `<td align="center" bgcolor="#1a1a1a" style="border-radius:6px;background-color:#1a1a1a">` +
    `<a href="${href}" target="_blank" style="display:inline-block;padding:12px 28px;font-size:16px;font-weight:bold;line-height:1.2;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(label)}</a>` +
    `</td></tr></table>`
  );
}

export function renderTemplate(source: string, values: Record<string, string>, options: RenderOptions): string {
  return renderNodes(parseTemplate(source), values, options);
}

/** The HTML part of an email: the text template rendered escaped, paragraphs kept, in a table layout with inline styles (mail clients ignore CSS). A paragraph with an image or a button is shown as a card. */
export function renderHtmlBody(source: string, values: Record<string, string>, types: Record<string, VariableType>) {
  const html = renderTemplate(source.replace(/\r\n/g, "\n"), values, { mode: "html", types });
  // Every value and the template's own text are escaped: a raw "<img" or "<table" comes from a block.
  const paragraphs = html
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const lines = part.replace(/\n/g, "<br>\n");
      if (!/<img |<table /.test(part)) return `<p style="margin:0 0 16px">${lines}</p>`;
      const card = lines
        .replace(/(<img [^>]*>|<\/table>)(<br>\n)+/g, "$1")
        .replace(/(<br>\n)+(?=<table )/g, "")
        .replace(/^(<br>\n)+|(<br>\n)+$/g, "");
      return (
        `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:separate;margin:0 0 16px;border:1px solid #e1e3e5;border-radius:8px">` +
        `<tr><td style="padding:16px">${card}</td></tr></table>`
      );
    });
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
    `<body style="margin:0;padding:0;background-color:#ffffff">\n` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center" style="padding:24px 12px">\n` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px"><tr><td style="font-family:-apple-system,'Hiragino Sans','Noto Sans JP',sans-serif;font-size:15px;line-height:1.6;color:#202223;text-align:left;overflow-wrap:anywhere;word-break:break-word">\n` +
    `${paragraphs.join("\n")}\n` +
    `</td></tr></table>\n</td></tr></table>\n</body></html>`
  );
}
