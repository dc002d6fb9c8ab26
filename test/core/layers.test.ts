// The layer rules of the lint configuration (eslint.config.js), proven on imports each layer must refuse and allow:
// a rule that matched nothing would pass every file of the tree, so each is shown to bite.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';
import { ROOT } from '../paths.ts';

const eslint = new ESLint({ cwd: ROOT });
/** The layer-rule messages ESLint gives a file at `file` holding `code`. */
async function refusals(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(`${code}\nexport const x = 1;\n`, { filePath: path.join(ROOT, file) });
  // ESLint prefixes the configured message with the import it refused.
  return r.messages
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message.replace(/^'[^']+' import is restricted from being used by a pattern\. /, ''));
}

describe('layer rules', () => {
  it.each([
    ['shared/x.ts', "import { readFileSync } from 'node:fs';", 'shared/ runs everywhere: no Node modules'],
    ['shared/contract/x.ts', "import type { Core } from '../../electron/core/core.ts';", 'shared/ imports nothing of ours outside shared/'],
    ['shared/x.ts', "import type { App } from '../renderer/App.tsx';", 'shared/ imports nothing of ours outside shared/'],
    ['shared/x.ts', "import Database from 'better-sqlite3';", 'shared/ holds pure code: no UI, database or server library'],
    ['renderer/x.ts', "import type { Core } from '../electron/core/core.ts';", 'the renderer reaches the core only through the contract (renderer/api)'],
    ['renderer/features/x.tsx', "import path from 'node:path';", 'the renderer runs in a sandboxed browser: no Node modules'],
    ['renderer/x.ts', "import { ipcRenderer } from 'electron';", 'the renderer reaches the core only through the contract (renderer/api)'],
    ['electron/core/x.ts', "import { app } from 'electron';", 'the core never imports Electron: it runs under plain Node too (cityops serve, tests)'],
    ['electron/core/cases/x.ts', "import { App } from '../../../renderer/App.tsx';", 'the core imports neither the UI, the Electron wiring, the CLI nor tests'],
    ['electron/core/x.ts', "import { serve } from '../cli/serve.ts';", 'the core imports neither the UI, the Electron wiring, the CLI nor tests'],
    ['electron/core/x.ts', "import '../main/main.ts';", 'the core imports neither the UI, the Electron wiring, the CLI nor tests'],
    ['electron/main/x.ts', "import { App } from '../../renderer/App.tsx';", 'the main process and preload are wiring: no UI code, no tests'],
  ])('%s: %s is refused', async (file, code, message) => {
    expect(await refusals(file, code)).toEqual([message]);
  });

  it.each([
    ['shared/x.ts', "import { z } from 'zod';"],
    ['shared/contract/x.ts', "import type { CaseState } from '../workflow.ts';"],
    ['renderer/x.ts', "import { contract } from '../shared/contract/index.ts';"],
    ['electron/core/x.ts', "import { readFileSync } from 'node:fs';"],
    ['electron/core/x.ts', "import { contract } from '../../shared/contract/index.ts';"],
    ['electron/cli/x.ts', "import { Core } from '../core/core.ts';"],
    ['electron/main/x.ts', "import { app } from 'electron';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await refusals(file, code)).toEqual([]);
  });
});
