// Classic Remix compiler (see docs/decisions/001-classic-remix-compiler.md).
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverDependenciesToBundle: [],
  // twitter-text (exact X lengths in the composer) imports punycode for IDN domains.
  browserNodeBuiltinsPolyfill: { modules: { punycode: true } },
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    v3_lazyRouteDiscovery: true,
    // v3_routeConfig needs the Vite plugin (app/routes.ts is loaded through vite-node); the classic
    // compiler cannot turn it on, so routes stay file-based (flat routes, the v3 default convention).
  },
};
