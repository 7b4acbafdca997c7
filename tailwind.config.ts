import type { Config } from "tailwindcss";

/**
 * Tailwind 4 reads its theme from CSS; this file (loaded by `@config` in app/globals.css) holds the
 * design tokens that are not colours of the charts: system font stacks, because next/font/google
 * needs the internet at build time, which these machines lack.
 */
export default {
  theme: {
    extend: {
      fontFamily: {
        sans: ["ui-sans-serif", "system-ui", "-apple-system", '"Segoe UI"', "Roboto", '"Helvetica Neue"', "Arial", "sans-serif"],
        mono: ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
      },
    },
  },
} satisfies Config;
