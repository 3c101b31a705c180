// Customer HTML, made safe to show: nothing that runs, loads or phones home.
import sanitizeHtml from "sanitize-html";

const LINK_ATTRIBUTES = { rel: "noopener noreferrer nofollow", target: "_blank" };

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    "a",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "strike",
    "del",
    "ins",
    "mark",
    "small",
    "sub",
    "sup",
    "p",
    "br",
    "div",
    "span",
    "blockquote",
    "pre",
    "code",
    "hr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel", "target"],
    td: ["colspan", "rowspan"],
    th: ["colspan", "rowspan"],
    "*": ["dir", "lang"],
  },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // elements whose text is no content either
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "head", "template"],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, ...LINK_ATTRIBUTES } }),
    // Remote images would tell the sender the seller opened the mail, so an
    // image becomes a link the seller may choose to open; cid:/data: images
    // (inline parts) are dropped here and stay available as attachments.
    img: (_tagName, attribs) => {
      const src = attribs.src ?? "";
      const tracking = Number(attribs.width) <= 2 || Number(attribs.height) <= 2;
      if (/^https?:\/\//i.test(src) && !tracking) {
        return {
          tagName: "a",
          attribs: { href: src, ...LINK_ATTRIBUTES },
          text: `[${attribs.alt?.trim() || "image"}]`,
        };
      }
      return { tagName: "img", attribs: {} };
    },
  },
};

/** The mail's HTML with nothing that runs, loads or phones home. */
export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}
