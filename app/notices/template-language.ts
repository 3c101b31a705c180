// The template language: `{{variable}}`, `{{#if variable}}…{{/if}}` and
// `{{#unless variable}}…{{/unless}}` (may nest), nothing else. Values are escaped in HTML; URL variables become links there.
// Client-safe: the settings page renders its live preview with it.
import type { VariableType } from "./kinds.ts";

type Node =
  | { type: "text"; value: string }
  | { type: "var"; name: string }
  | { type: "if"; name: string; children: Node[]; negated: boolean };

type Block = "if" | "unless";

export class TemplateError extends Error {}

const TAG = /\{\{\s*(#if\s+|#unless\s+|\/if\s*|\/unless\s*)?([A-Za-z][A-Za-z0-9_]*)?\s*\}\}/g;

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
    if (keyword === "/if" || keyword === "/unless") {
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
      if (node.type === "if") {
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
  if (unknown.length === 0) return null;
  const list = unknown.map((name) => `{{${name}}}`).join(", ");
  const known = Object.keys(allowed)
    .map((name) => `{{${name}}}`)
    .join(", ");
  return `Unknown variable${unknown.length > 1 ? "s" : ""} ${list}. You can use: ${known}.`;
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
    } else {
      const value = values[node.name] ?? "";
      if (options.mode === "line") out += value.replace(/[\r\n]+/g, " ");
      else if (options.mode === "text") out += value;
      else if (options.types?.[node.name] === "url" && /^https?:\/\/[^\s"<>]+$/i.test(value)) {
        out += `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>`;
      } else out += escapeHtml(value);
    }
  }
  return out;
}

export function renderTemplate(source: string, values: Record<string, string>, options: RenderOptions): string {
  return renderNodes(parseTemplate(source), values, options);
}

/** The HTML part of an email: the text template rendered escaped, paragraphs kept. */
export function renderHtmlBody(source: string, values: Record<string, string>, types: Record<string, VariableType>) {
  const html = renderTemplate(source.replace(/\r\n/g, "\n"), values, { mode: "html", types });
  const paragraphs = html
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => `<p style="margin:0 0 16px">${part.replace(/\n/g, "<br>\n")}</p>`);
  return `<!doctype html><html><body style="font-family:-apple-system,'Hiragino Sans','Noto Sans JP',sans-serif;font-size:15px;line-height:1.6;color:#202223;max-width:560px;margin:0 auto;padding:24px">\n${paragraphs.join("\n")}\n</body></html>`;
}
