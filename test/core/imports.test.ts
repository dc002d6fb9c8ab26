// Import directions (design.md): shared imports nothing of ours and no node:/electron/DOM-only modules;
// renderer never imports electron/ or node:*; the core never imports renderer/ or 'electron'.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../paths.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|tsx|mjs)$/.test(f) ? [p] : [];
  });
}
function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );
}
function violations(dir: string, bad: (spec: string, resolved: string | null) => boolean): string[] {
  const out: string[] = [];
  for (const f of files(path.join(ROOT, dir))) {
    for (const spec of imports(f)) {
      const resolved = spec.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(f), spec)) : null;
      if (bad(spec, resolved)) out.push(`${path.relative(ROOT, f)} imports ${spec}`);
    }
  }
  return out;
}

describe('import directions', () => {
  it('shared/ imports only shared/ and pure libraries', () => {
    expect(violations('shared', (s, r) => s.startsWith('node:') || s === 'electron' || (r !== null && !r.startsWith('shared')))).toEqual([]);
  });
  it('renderer/ never imports electron/, electron or node:*', () => {
    expect(violations('renderer', (s, r) => s.startsWith('node:') || s === 'electron' || (r !== null && r.startsWith('electron')))).toEqual([]);
  });
  it('the core never imports renderer/ or electron', () => {
    expect(
      violations(
        'electron/core',
        (s, r) =>
          s === 'electron' ||
          s.startsWith('electron/') ||
          (r !== null && (r.startsWith('renderer') || r.startsWith('electron/main') || r.startsWith('electron/preload'))),
      ),
    ).toEqual([]);
  });
  it('the checker sees real imports (guards against a regex that matches nothing)', () => {
    expect(imports(path.join(ROOT, 'electron/core/core.ts'))).toContain('./app.ts');
    expect(imports(path.join(ROOT, 'renderer/App.tsx'))).toContain('./api/client.ts');
  });
});
