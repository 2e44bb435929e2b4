/** @type {import('jest').Config} */
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
}];
const common = {
  transform: {
    '^.+\\.ts$': swc,
    // ES-module-only packages jest's loader cannot require: turned into CommonJS.
    '/node_modules/(@nestjs|jose|@kubernetes/client-node|openid-client|oauth4webapi)/.+\\.js$':
      '<rootDir>/test/support/esm-to-cjs.transformer.js',
  },
  transformIgnorePatterns: [
    '/node_modules/(?!@nestjs/|jose/|@kubernetes/client-node/|openid-client/|oauth4webapi/)',
  ],
  moduleNameMapper: { '^src/(.*)$': '<rootDir>/src/$1' },
  testEnvironment: 'node',
};
module.exports = {
  // testTimeout is a global option: inside a project entry Jest ignores it.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // Also here: with several projects, jest applies the top-level timeout (the e2e one alone was
  // ignored and e2e hooks failed at 5 s on a loaded machine).
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
      testTimeout: 60000,
    },
  ],
};
