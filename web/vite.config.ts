/// <reference types="vitest/config" />
// The workbench's build: Element Plus components and their styles imported on demand, the server's problem
// catalogue bundled from services/gateway (one catalogue for server and client), no inline scripts (CSP).
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  plugins: [
    vue(),
    AutoImport({ resolvers: [ElementPlusResolver()], dts: false }),
    Components({ resolvers: [ElementPlusResolver()], dts: false }),
  ],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      '@catalogue': fileURLToPath(new URL('../services/gateway/problems.zh-CN.json', import.meta.url)),
    },
  },
  build: {
    modulePreload: { polyfill: false }, // the polyfill is an inline script, which the CSP forbids
    chunkSizeWarningLimit: 1500,
  },
  server: { fs: { allow: ['..'] }, proxy: { '/v1': 'http://127.0.0.1:8000' } },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts'], server: { deps: { inline: ['element-plus'] } } },
})
