#!/usr/bin/env node
// The `cityops` command: runs the TypeScript CLI under Node through tsx (no separate build step for the core).
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli.ts');
