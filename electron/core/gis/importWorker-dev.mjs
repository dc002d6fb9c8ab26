// Import worker entry when running from source (tests, `cityops`): registers tsx, then loads the TypeScript worker.
// The desktop bundle starts dist-electron/import-worker.mjs instead.
import { register } from 'tsx/esm/api';

register();
await import('./importWorker.ts');
