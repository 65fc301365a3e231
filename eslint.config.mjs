// Lint: typescript-eslint's recommended rules, plus the few that guard this codebase's habits.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".tools/", ".sandbox/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Provider code loads ESM-only and lazy modules with require() on purpose (see provider/runtime.ts).
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-eval": "error",
      "prefer-const": "error",
    },
  },
);
