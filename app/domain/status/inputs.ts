import { z } from "zod";
import { SUBSCRIBER_KINDS, type SubscriberKind } from "~db/schema/enums";

/**
 * Validation of the public forms (subscribe, manage, confirm by code, report a problem). Messages are
 * written for the person filling in the form; the routes return them with a 400.
 */

const many = (item: z.ZodType<string>) =>
  z
    .union([item, z.array(item)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const regionCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{1,16}$/, "Choose regions from the list");
const componentId = z
  .string()
  .trim()
  .regex(/^\d{1,9}$/, "Choose services from the list");

export const choicesSchema = z.object({
  regions: many(regionCode).pipe(z.array(z.string()).max(100, "Choose at most 100 regions")),
  components: many(componentId)
    .transform((ids) => ids.map(Number))
    .pipe(z.array(z.number()).max(100, "Choose at most 100 services")),
});

/** Lower-cased email with a plausible shape (the confirmation message proves it). */
export function normaliseEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return z.email().safeParse(email).success && email.length <= 254 ? email : null;
}

/** E.164: a leading + and 8–15 digits; a 10-digit number is taken as North American (+1). */
export function normalisePhone(raw: string): string | null {
  const digits = raw.replace(/[\s().-]/g, "");
  if (/^\+[1-9]\d{7,14}$/.test(digits)) return digits;
  if (/^[2-9]\d{9}$/.test(digits)) return `+1${digits}`;
  if (/^1[2-9]\d{9}$/.test(digits)) return `+${digits}`;
  return null;
}

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.local|.*\.internal|0\.0\.0\.0|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|\[.*\])$/i;

/**
 * A subscriber's webhook: HTTPS to a public host name or address. Loopback, private, link-local and IPv6
 * literals are refused so the public form cannot aim the delivery worker at the internal network (the
 * webhook adapter checks every address the name resolves to again before each call:
 * app/channels/public-address.server.ts).
 */
export function normaliseWebhookUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username || url.password) return null;
  if (PRIVATE_HOST.test(url.hostname) || !url.hostname.includes(".")) return null;
  url.hash = "";
  return url.href.length <= 2000 ? url.href : null;
}

const ADDRESS_MESSAGES: Record<SubscriberKind, string> = {
  email: "Enter an email address such as name@example.com",
  sms: "Enter a mobile number in international format, such as +1 415 555 0100",
  webhook: "Enter an HTTPS URL on a public host, such as https://example.com/hooks/status",
};

export function normaliseAddress(kind: SubscriberKind, raw: string): string | null {
  if (kind === "email") return normaliseEmail(raw);
  if (kind === "sms") return normalisePhone(raw);
  return normaliseWebhookUrl(raw);
}

export const subscribeSchema = z
  .object({
    kind: z.enum(SUBSCRIBER_KINDS, { message: "Choose email, text message or webhook" }),
    address: z
      .string({ message: "Enter where to send updates" })
      .trim()
      .min(1, "Enter where to send updates")
      .max(2000),
  })
  .and(choicesSchema)
  .transform((value, ctx) => {
    const address = normaliseAddress(value.kind, value.address);
    if (!address) {
      ctx.addIssue({ code: "custom", path: ["address"], message: ADDRESS_MESSAGES[value.kind] });
      return z.NEVER;
    }
    return { ...value, address };
  });
export type SubscribeInput = z.output<typeof subscribeSchema>;

export const confirmCodeSchema = z.object({
  kind: z.enum(SUBSCRIBER_KINDS, { message: "Choose email, text message or webhook" }),
  address: z
    .string({ message: "Enter the address you subscribed" })
    .trim()
    .min(1, "Enter the address you subscribed"),
  code: z
    .string({ message: "Enter the 6-digit code" })
    .trim()
    .regex(/^\d{6}$/, "Enter the 6-digit code from the message"),
});

/** "d***@example.com", "+1415•••0100", "https://hooks.example.com/…": enough to recognise, not to harvest. */
export function maskAddress(kind: SubscriberKind, address: string): string {
  if (kind === "email") {
    const [local, domain] = address.split("@");
    return `${local.slice(0, 1)}***@${domain ?? ""}`;
  }
  if (kind === "sms") return `${address.slice(0, 5)}•••${address.slice(-4)}`;
  try {
    return `${new URL(address).origin}/…`;
  } catch {
    return "…";
  }
}

// ---------------------------------------------------------------------------------------------------
// Report a problem

/** Per IP address and per postal code, in a fixed window: generous for people, tight for scripts. */
export const REPORT_LIMITS = {
  windowSeconds: 600,
  perIp: 5,
  perPostalCode: 30,
} as const;

/** Subscribe and resend attempts: per IP address and per address subscribed. */
export const SUBSCRIBE_LIMITS = { windowSeconds: 3600, perIp: 10, perAddress: 3 } as const;

const coordinate = (min: number, max: number, label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === "" ? null : Number(v)))
    .refine((v) => v === null || (Number.isFinite(v) && v >= min && v <= max), `${label} is not valid`);

export const reportSchema = z
  .object({
    postalCode: z
      .string()
      .trim()
      .max(20, "Enter a ZIP code such as 94103")
      .optional()
      .transform((v) => (v ? v.toUpperCase() : null))
      .refine((v) => v === null || /^\d{5}(-?\d{4})?$/.test(v), "Enter a 5-digit ZIP code such as 94103"),
    lat: coordinate(-90, 90, "The location"),
    lon: coordinate(-180, 180, "The location"),
    topic: z
      .string({ message: "Choose what the problem is" })
      .trim()
      .min(1, "Choose what the problem is")
      .max(48),
    details: z
      .string()
      .trim()
      .max(1000, "Keep the details under 1,000 characters")
      .optional()
      .transform((v) => v || null),
  })
  .superRefine((value, ctx) => {
    if (!value.postalCode && (value.lat === null || value.lon === null)) {
      ctx.addIssue({
        code: "custom",
        path: ["postalCode"],
        message: "Enter your ZIP code, or use your location",
      });
    }
  })
  .transform((value) => ({
    ...value,
    postalCode: value.postalCode ? value.postalCode.slice(0, 5) : null,
    // About a kilometre: enough to place the report, not to find the house.
    lat: value.lat === null ? null : Math.round(value.lat * 100) / 100,
    lon: value.lon === null ? null : Math.round(value.lon * 100) / 100,
  }));
export type ReportInput = z.output<typeof reportSchema>;
