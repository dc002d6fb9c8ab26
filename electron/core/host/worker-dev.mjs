// Worker entry when running from source (tests, `cityops`): registers tsx, then loads the TypeScript worker.
// The packaged app uses the bundled dist-electron/core-worker.mjs instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
