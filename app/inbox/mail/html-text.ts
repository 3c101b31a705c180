// HTML read as text when a mail has no text part. Our own single pass (no
// DOM): it keeps what a reader sees, turns blocks into line breaks and
// blockquotes into "> " lines so the reply trimmer can drop quoted history
// from HTML-only mail too. Client-safe: no server imports.

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  copy: "©",
  reg: "®",
  trade: "™",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  laquo: "«",
  raquo: "»",
  bull: "•",
  middot: "·",
  yen: "¥",
  euro: "€",
  pound: "£",
  cent: "¢",
  deg: "°",
  times: "×",
  divide: "÷",
  zwnj: "",
  zwj: "",
  shy: "",
  iexcl: "¡",
  iquest: "¿",
  sect: "§",
  para: "¶",
  plusmn: "±",
  frac12: "½",
  auml: "ä",
  ouml: "ö",
  uuml: "ü",
  Auml: "Ä",
  Ouml: "Ö",
  Uuml: "Ü",
  szlig: "ß",
  eacute: "é",
  egrave: "è",
  agrave: "à",
  ccedil: "ç",
  ecirc: "ê",
  aacute: "á",
  iacute: "í",
  oacute: "ó",
  uacute: "ú",
  ntilde: "ñ",
  Eacute: "É",
};

/** HTML character references decoded (numeric, and the named ones mail uses). */
export function decodeEntities(text: string): string {
  if (text.indexOf("&") < 0) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g, (whole, ref: string) => {
    if (ref.charCodeAt(0) === 35) {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\uFFFD";
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}

// Elements whose content a reader never sees.
const HIDDEN = new Set(["script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe"]);
// Elements that start and end a paragraph (a blank line) or a line.
const PARAGRAPH = new Set([
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "table",
  "ul",
  "ol",
  "dl",
  "hr",
  "pre",
  "blockquote",
]);
const LINE = new Set([
  "br",
  "div",
  "tr",
  "li",
  "dt",
  "dd",
  "section",
  "article",
  "header",
  "footer",
  "address",
  "center",
  "form",
  "fieldset",
  "caption",
  "figure",
  "figcaption",
  "main",
  "nav",
  "aside",
  "body",
  "html",
]);

/** What a reader of the HTML sees, as plain text. Linear in the input. */
export function htmlToText(html: string): string {
  const lines: string[] = [];
  let line = "";
  let lineDepth = 0;
  let quoteDepth = 0;
  let hidden: string | null = null;
  let preDepth = 0;
  // What separates the next text from the last line: 0 nothing yet, 1 a line break, 2 a blank line.
  let pending = 0;

  const startLine = () => {
    if (pending === 2 && lines.length > 0) lines.push(">".repeat(Math.min(lineDepth, quoteDepth, 20)));
    pending = 0;
    lineDepth = quoteDepth;
  };
  const endLine = (separation: 1 | 2) => {
    const content = line.replace(/[ \t]+$/, "");
    if (content !== "" && content !== "- ") lines.push("> ".repeat(Math.min(lineDepth, 20)) + content);
    line = "";
    pending = Math.max(pending, separation);
  };
  const addText = (raw: string) => {
    const text = decodeEntities(raw);
    if (preDepth > 0) {
      text.split(/\r?\n/).forEach((part, index) => {
        if (index > 0) endLine(1);
        if (line === "" && part !== "") startLine();
        line += part;
      });
      return;
    }
    let collapsed = text.replace(/[\s\u00a0]+/g, " ");
    if (line === "" || line.endsWith(" ")) collapsed = collapsed.replace(/^ /, "");
    if (collapsed === "") return;
    if (line === "") startLine();
    line += collapsed;
  };

  let position = 0;
  const length = html.length;
  while (position < length) {
    const open = html.indexOf("<", position);
    if (open < 0) {
      if (hidden === null) addText(html.slice(position));
      break;
    }
    if (open > position && hidden === null) addText(html.slice(position, open));
    if (html.startsWith("<!--", open)) {
      const end = html.indexOf("-->", open + 4);
      position = end < 0 ? length : end + 3;
      continue;
    }
    const close = html.indexOf(">", open + 1);
    if (close < 0) {
      if (hidden === null) addText(html.slice(open));
      break;
    }
    const tag = /^<\s*(\/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)/.exec(html.slice(open, Math.min(close + 1, open + 64)));
    position = close + 1;
    if (!tag) {
      // "a < b" is text; "<!DOCTYPE …>" and "<?xml …>" are not
      const second = html.charCodeAt(open + 1);
      if (hidden === null && second !== 33 && second !== 63) addText(html.slice(open, close + 1));
      continue;
    }
    const closing = tag[1] === "/";
    const name = (tag[2] ?? "").toLowerCase();
    if (hidden !== null) {
      if (closing && name === hidden) hidden = null;
      continue;
    }
    if (HIDDEN.has(name)) {
      if (!closing && html.charCodeAt(close - 1) !== 47) hidden = name;
      continue;
    }
    if (name === "br") {
      if (line === "") pending = pending === 0 && lines.length > 0 ? 1 : 2;
      else endLine(1);
      continue;
    }
    if (name === "blockquote") {
      endLine(2);
      quoteDepth = closing ? Math.max(0, quoteDepth - 1) : quoteDepth + 1;
      continue;
    }
    if (name === "pre") preDepth = closing ? Math.max(0, preDepth - 1) : preDepth + 1;
    if (PARAGRAPH.has(name)) {
      endLine(2);
    } else if (LINE.has(name)) {
      endLine(1);
      if (name === "li" && !closing) {
        startLine();
        line = "- ";
      }
    } else if ((name === "td" || name === "th") && !closing && line !== "" && !line.endsWith(" ")) {
      line += " ";
    }
  }
  endLine(1);
  return lines.join("\n").trim();
}
