// The email preview's document (app/routes/app.settings.tsx): the rendered
// mail, shown in a sandboxed frame that is sized to its content.

/**
 * Nothing is fetched but images and nothing runs (the sandbox allows no scripts either), and
 * nothing is wider than the frame: long words wrap, wide images and tables shrink.
 */
const PREVIEW_HEAD =
  `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src https: data:; style-src 'unsafe-inline'">` +
  "<style>html,body{overflow-x:hidden}body{overflow-wrap:anywhere}img,table{max-width:100%;height:auto}</style>";

/** The rendered mail (renderHtmlBody) with the preview's head. */
export function previewDocument(html: string): string {
  return /<html[^>]*>/i.test(html)
    ? html.replace(/<html[^>]*>/i, (open) => `${open}<head>${PREVIEW_HEAD}</head>`)
    : `<!doctype html><html><head>${PREVIEW_HEAD}</head><body>${html}</body></html>`;
}
