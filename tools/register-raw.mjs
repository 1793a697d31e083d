import { register } from 'node:module';
register('./raw-import-hooks.mjs', import.meta.url);
