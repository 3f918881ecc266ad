import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates SQL here; migrations are applied by db/migrate.ts on both drivers.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
});
