/**
 * The page's Content Security Policy (Electron checklist #7, architecture §9.2): the one source for the meta tag
 * renderer/index.html carries, for the Electron glue (main/app/security.ts) and for the header the browser-mode
 * bridge sends. A plain string with no Electron in reach, so browser mode can use it without loading the glue.
 * Scripts only from the bundle: no 'unsafe-eval', no 'unsafe-inline' for scripts.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
