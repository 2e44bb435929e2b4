/**
 * Jest runs tests as CommonJS, but NestJS 12 ships ES modules only (Node 20 loads them through
 * require(esm); Jest's module registry cannot). This transformer compiles those packages to
 * CommonJS with swc, giving `import.meta.url` the file's URL and dropping their
 * `const require = createRequire(import.meta.url)` lines (CommonJS already has `require`).
 */
const { transformSync } = require('@swc/core');

module.exports = {
  process(source, filename) {
    const patched = source
      .replace(/^\s*const require = createRequire\(import\.meta\.url\);\s*$/m, '')
      .replace(/import\.meta\.url/g, '__vigilImportMetaUrl');
    const { code, map } = transformSync(patched, {
      filename,
      sourceMaps: true,
      module: { type: 'commonjs', ignoreDynamic: false },
      jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' },
    });
    const prelude =
      patched === source
        ? ''
        : "const __vigilImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";
    return { code: prelude + code, map };
  },
};
