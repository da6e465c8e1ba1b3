#!/usr/bin/env node
// The command from a checkout: runs the TypeScript sources through tsx (a dev dependency), so `npx sonic-mood`
// and the tests need no build step. Production runs the compiled `node dist/cli/main.js` (`npm run build`).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
