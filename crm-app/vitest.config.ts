// Card tests: @hubspot/ui-extensions/testing renders cards in node (no browser, no worker).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    environment: 'node',
  },
});
