/** The small HTML pages of the e-mail action links: a confirmation form and result messages. */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface ActionPage {
  /** Plain text; escaped here. */
  readonly heading: string;
  /** Plain-text paragraphs; escaped here. */
  readonly paragraphs: readonly string[];
  /** A POST form with one button: the only way a page acts. */
  readonly form?: { readonly action: string; readonly button: string };
}

/**
 * Headers for every action page: never cached or indexed, never framed (no clickjacking of the
 * button), no referrer (the URL holds the token), and no script at all.
 */
export const ACTION_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

/** A complete HTML document for `page`. */
export function renderActionPage(page: ActionPage): string {
  const paragraphs = page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const form = page.form
    ? `<form method="post" action="${escapeHtml(page.form.action)}">` +
      `<button type="submit">${escapeHtml(page.form.button)}</button></form>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(page.heading)} - Vigil</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; }
button { font-size: 1rem; padding: 0.5rem 1.25rem; cursor: pointer; }
</style>
</head>
<body>
<h1>${escapeHtml(page.heading)}</h1>
${paragraphs}
${form}
</body>
</html>
`;
}
