import { en, type MessageKey, type Messages } from "./en";

export type { MessageKey, Messages };

/** The locales the public pages speak; English first (add a file beside en.ts and list it here). */
const LOCALES: Record<string, Messages> = { en };

/** `t("incidents.affects", { regions: "CA, NV" })` in the given locale (English by default). */
export function t(key: MessageKey, params: Record<string, string | number> = {}, locale = "en"): string {
  const template = (LOCALES[locale] ?? en)[key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}
