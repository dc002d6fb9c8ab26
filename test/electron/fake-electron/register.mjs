// `node --import ./register.mjs dist-electron/main.mjs`: resolve 'electron' to the stand-in beside this file.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
