// Builds the single-page app into dist/, which `fupin serve --static web/dist`
// serves beside the API on one port. Everything is bundled: no CDN, no web
// fonts (Element Plus uses the system font stack), nothing from another host.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1600,
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a running `fupin serve --listen 127.0.0.1:8080`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
