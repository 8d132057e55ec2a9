import { defineConfig } from "vite";

// The console is served by the Ledgerlink server at `/` (same origin as the API), so asset URLs are
// absolute and nothing is inlined: the server's CSP allows scripts and styles from 'self' only.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: "es2022",
    sourcemap: false,
  },
  server: {
    // `npm run dev -w packages/dashboard` against a server started with `npm start`.
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
});
