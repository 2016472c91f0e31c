// The explorer is built once (make explorer) into explorer/dist and served by the API at /
// (index.html) and /explorer/ (its assets). Nothing is fetched from a CDN at run time.
import { defineConfig } from "vite";

export default defineConfig({
  root: new URL(".", import.meta.url).pathname,
  base: "/explorer/",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  worker: { format: "es" },
});
