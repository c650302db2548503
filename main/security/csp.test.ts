/** The page's CSP (Electron checklist #7, architecture §9.2): what it allows, and that the page really carries it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/fixtures';
import { contentSecurityPolicy } from './csp';

/** `script-src 'self'; …` → directive → sources */
function cspDirectives(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

describe('Content Security Policy', () => {
  const directives = cspDirectives(contentSecurityPolicy);

  it('lets scripts come from the bundle only: no eval, no inline script', () => {
    // script-src falls back to default-src when absent (CSP 3 §6.1.3)
    const scriptSources = directives.get('script-src') ?? directives.get('default-src');
    expect(scriptSources).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes/);
    for (const directive of ['script-src', 'script-src-elem', 'script-src-attr', 'default-src']) {
      expect(directives.get(directive) ?? [], directive).not.toContain("'unsafe-inline'");
    }
  });

  it('forbids plugins, <base> and form posts, and talks only to its own origin', () => {
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
  });

  it('is the CSP the renderer page actually carries', () => {
    const html = readFileSync(join(repoRoot, 'renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    expect(meta?.[1]?.replace(/\s+/g, ' ').trim()).toBe(contentSecurityPolicy);
  });
});
