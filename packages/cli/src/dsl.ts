/**
 * What `import … from 'topolab'` gives a scenario author: `defineScenario`, the types of the
 * context and the few facts a story asserts on. It is the runtime's DSL (`@topolab/runtime/dsl`),
 * which `topolab run` resolves the specifier `topolab` to, so a scenario file anywhere runs
 * without installing anything; this module is for type-checking.
 */
export * from '@topolab/runtime/dsl';
