import { defineConfig } from "vitest/config";

// No dev server URL is configured in tauri.conf.json: the app always embeds ui/dist.
export default defineConfig({
  clearScreen: false,
  build: {
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
