import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root. */
export const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
/** Scratch folder for test databases (git-ignored). */
export const TMP_DIR = path.join(ROOT, '.cache', 'test');
/** Template: whole grid, 3% of components. */
export const SMALL_DB = path.join(TMP_DIR, 'template-small.db');
/** Template: the full sample city. */
export const FULL_DB = path.join(TMP_DIR, 'template-full.db');
/** Where screenshots and other evidence go. */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
