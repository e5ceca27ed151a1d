/**
 * The zod every schema of the services is built with: `zod/mini`, zod's functional API
 * (`z.optional(s)`, `s.check(z.minLength(3))`, `z.safeParse(s, v)`) over the same core as the
 * classic one. Classic zod (`import { z } from 'zod'`) hangs every check on its schemas'
 * methods, so a bundle holds all of it (about 390 kB of each service bundle); with mini esbuild
 * keeps only the schemas and checks used (60 to 74 kB), and each service bundle is about 320 kB
 * smaller (scripts/bundle.mjs, docs/architecture.md "The build").
 *
 * Import it as a namespace (`import * as z from '../kit/zod.js'`), never as `{ z }`: a
 * namespace object that is passed on whole cannot be tree-shaken.
 *
 * Mini registers no locale, and without one every issue says "Invalid input". Classic zod
 * registers English on its first schema; this module does the same before any schema exists,
 * so the messages the services send (HTTP_VALIDATION_FAILED's details, ConfigError's lines) stay
 * the ones zod's English locale gives. `zod/v4/locales/en.js` only: the locales' index (every
 * language) is left out of the bundles (scripts/bundle.mjs).
 */
import { config } from 'zod/mini';
import { globalConfig } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

// `globalConfig` from zod/v4/core, not `z.core.globalConfig`: a namespace re-exported by name is kept whole.
if (!globalConfig.localeError) config(en());

export * from 'zod/mini';
