// One jest run, four projects. Unit tests need nothing running; integration tests need the
// local infrastructure (FerretDB, NATS, Keycloak) that `make test` starts; e2e tests also
// need the Sales service and the gateway; chart tests need helm from the tools cache.
const transform = {
  "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true, module: "node16", moduleResolution: "node16", target: "ES2023", esModuleInterop: true } }],
};
// jose 6 ships only ES modules; jest runs tests as CommonJS, so its files are transpiled too.
transform["^.+/node_modules/jose/.+\\.js$"] = ["ts-jest", { tsconfig: { isolatedModules: true, allowJs: true, module: "commonjs", target: "ES2023" } }];
const base = {
  testEnvironment: "node",
  transform,
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  moduleFileExtensions: ["ts", "js", "json"],
};

module.exports = {
  projects: [
    { ...base, displayName: "unit", testMatch: ["<rootDir>/{packages,services,gateway}/**/test/unit/**/*.test.ts"] },
    {
      ...base,
      displayName: "integration",
      testMatch: ["<rootDir>/{packages,services,gateway}/**/test/integration/**/*.test.ts"],
    },
    { ...base, displayName: "e2e", testMatch: ["<rootDir>/e2e/test/**/*.test.ts"] },
    { ...base, displayName: "charts", testMatch: ["<rootDir>/charts/test/**/*.test.ts"] },
  ],
  // A global option (jest ignores it per project): tests against real servers wait on them.
  testTimeout: 60_000,
};
