#!/usr/bin/env node
// The `loom` command. Sources are TypeScript run through tsx's loader, so `npm ci` is the whole install.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
