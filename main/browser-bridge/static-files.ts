/**
 * Serving the built renderer in browser mode (architecture §2): plain files from one folder, never anything
 * outside it, and index.html with the bridge key injected — the page is the key's only carrier.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** Unknown extensions are served as opaque bytes; with `nosniff` the browser will not guess. */
export const contentTypeOf = (filePath: string): string =>
  contentTypes[extname(filePath).toLowerCase()] ?? 'application/octet-stream';

/**
 * Maps a URL path (still percent-encoded) to a file below `root`, or undefined when the path tries to leave
 * it: `..` (also encoded as %2e%2e or smuggled through %2f), backslashes, NUL bytes and dot-files are refused.
 */
export function resolveStaticPath(root: string, encodedUrlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encodedUrlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment.startsWith('.'))) return undefined;
  const rootPath = resolve(root);
  const filePath = resolve(rootPath, ...segments);
  return filePath === rootPath || filePath.startsWith(rootPath + sep) ? filePath : undefined;
}

/**
 * Single-page routes (`/cases/160.000.000.000.123.76`) are no files; a browser navigating to one gets the app
 * page. Sub-resource requests for missing files stay 404 so that a broken asset is not masked by HTML.
 */
export const wantsPage = (headers: { secFetchMode?: string; accept?: string }): boolean =>
  headers.secFetchMode === 'navigate' || (headers.accept ?? '').includes('text/html');

/** A regular file below root, after following symlinks — or undefined. */
export async function readStaticFile(root: string, filePath: string): Promise<Buffer | undefined> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(filePath)]);
    if (!realFile.startsWith(realRoot + sep)) return undefined;
    if (!(await stat(realFile)).isFile()) return undefined;
    return await readFile(realFile);
  } catch {
    return undefined;
  }
}

export const BRIDGE_KEY_META = 'erx-bridge-key';

/** Puts `<meta name="erx-bridge-key" content="…">` right before `</head>`; undefined when there is no head. */
export function injectBridgeKey(html: string, key: string): string | undefined {
  const headEnd = html.search(/<\/head\s*>/i);
  if (headEnd < 0) return undefined;
  return `${html.slice(0, headEnd)}<meta name="${BRIDGE_KEY_META}" content="${key}">\n${html.slice(headEnd)}`;
}
