import { z } from "zod";

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
    CLARION_DATA_DIR: z.string().min(1).default("./.data/pglite"),
    CLARION_SECRET: z
      .string()
      .min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)")
      .optional(),
    CLARION_PUBLIC_URL: z
      .url({ message: "must be an absolute URL such as https://status.example.com" })
      .optional(),
    CLARION_ORG_NAME: z.string().min(1).max(120).default("Clarion"),
    CLARION_ADMIN_EMAIL: z.email({ message: "must be an email address" }).optional(),
    CLARION_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
    CLARION_DEMO_FEED: booleanString.optional(),
    CLARION_DEMO_HISTORY_DAYS: z.coerce.number().int().min(1).max(90).default(28),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 90)
      .default(12),
    COOKIE_SECURE: booleanString.optional(),
    MAPBOX_ACCESS_TOKEN: z.string().regex(/^pk\./, "must be a public Mapbox token (pk....)").optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.DATABASE_URL && !env.CLARION_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["CLARION_SECRET"],
        message: "is required in production with a database server (it encrypts stored credentials)",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parse the environment once at boot; empty strings count as unset. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "environment"} ${i.message}`));
  }
  return result.data;
}

/** Session cookies are Secure everywhere but development, unless COOKIE_SECURE says otherwise. */
export function cookiesAreSecure(env: Env): boolean {
  return env.COOKIE_SECURE ?? env.NODE_ENV !== "development";
}
