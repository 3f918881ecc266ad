import type { UpdateKind } from "~db/schema/enums";

export interface DefaultTemplate {
  /** Unique per organisation (templates_org_name_key). */
  name: string;
  kind: UpdateKind;
  /** A default topic slug, or null for the general template of the kind. */
  topic: "outage" | "degraded" | "billing" | "app-login" | "safety" | null;
  body: string;
}

/**
 * Default status update texts, seeded per organisation. Each acknowledges, says what we know, what we are
 * doing and when we will update next. Plain ASCII on purpose: one curly quote or dash would turn every
 * SMS into UCS-2 (70 characters a segment instead of 160). The incident link is added per channel, so
 * the texts leave it out.
 */
export const DEFAULT_TEMPLATES: readonly DefaultTemplate[] = [
  {
    name: "General - holding statement",
    kind: "holding",
    topic: null,
    body: "We're aware that some customers in {regions} are having problems with our service, and we're looking into it now. We'll share what we know as soon as we can and post our next update {next_update}.",
  },
  {
    name: "General - update",
    kind: "update",
    topic: null,
    body: "Our teams are still working to fix the problem affecting customers in {regions}. We'll post our next update {next_update}. Thank you for your patience.",
  },
  {
    name: "General - resolved",
    kind: "resolution",
    topic: null,
    body: "The problem affecting customers in {regions} has been fixed and our service is working normally again. We're sorry for the disruption. If you're still having trouble, please let us know.",
  },
  {
    name: "Outage - holding statement",
    kind: "holding",
    topic: "outage",
    body: "We know that many customers in {regions} have no service right now, and we're sorry. Our teams are working to find the cause and restore service as quickly as possible. We'll post our next update {next_update}.",
  },
  {
    name: "Outage - update",
    kind: "update",
    topic: "outage",
    body: "Our crews are working to restore service in {regions}. We expect most customers to be back {eta}. We'll post our next update {next_update}. Thank you for bearing with us.",
  },
  {
    name: "Outage - resolved",
    kind: "resolution",
    topic: "outage",
    body: "Service has been restored for customers in {regions}. If you're still without service, please let us know so we can help. We're sorry for the disruption and thank you for your patience.",
  },
  {
    name: "Degraded service - holding statement",
    kind: "holding",
    topic: "degraded",
    body: "Some customers in {regions} may find our service slow or unreliable right now. We're looking into it and will post our next update {next_update}.",
  },
  {
    name: "Degraded service - update",
    kind: "update",
    topic: "degraded",
    body: "We've found the cause of the slow and intermittent service in {regions} and are working on a fix. You may still see problems until it's in place. We'll post our next update {next_update}.",
  },
  {
    name: "Degraded service - resolved",
    kind: "resolution",
    topic: "degraded",
    body: "Our service in {regions} is back to its normal speed and reliability. Thank you for your patience, and we're sorry for the trouble.",
  },
  {
    name: "Billing - holding statement",
    kind: "holding",
    topic: "billing",
    body: "We're aware that some customers are seeing problems with bills or payments, and we're looking into it now. Please don't make a second payment while we investigate. We'll post our next update {next_update}.",
  },
  {
    name: "Billing - update",
    kind: "update",
    topic: "billing",
    body: "We've found the problem affecting bills and payments and are working on a fix. Please don't make a second payment in the meantime. We'll post our next update {next_update}.",
  },
  {
    name: "Billing - resolved",
    kind: "resolution",
    topic: "billing",
    body: "The problem with bills and payments has been fixed. If you were charged more than once or by mistake, please contact us and we'll put it right. We're sorry for the inconvenience.",
  },
  {
    name: "App and sign-in - holding statement",
    kind: "holding",
    topic: "app-login",
    body: "Some customers can't sign in to our app or website right now. We're looking into it and will post our next update {next_update}.",
  },
  {
    name: "App and sign-in - update",
    kind: "update",
    topic: "app-login",
    body: "We've found what's stopping some customers from signing in to our app and website, and we're working on a fix. There's no need to reset your password. We'll post our next update {next_update}.",
  },
  {
    name: "App and sign-in - resolved",
    kind: "resolution",
    topic: "app-login",
    body: "Signing in to our app and website is working normally again. If you still can't sign in, please close and reopen the app or refresh the page. We're sorry for the trouble.",
  },
  {
    name: "Safety - holding statement",
    kind: "holding",
    topic: "safety",
    body: "We're responding to reports of a safety hazard in {regions}. If you see a downed line, sparks or fire, or smell gas, leave the area, keep others away and call 911 from a safe place. Don't touch or go near damaged equipment. We'll post our next update {next_update}.",
  },
  {
    name: "Safety - update",
    kind: "update",
    topic: "safety",
    body: "Our crews and emergency services are on site in {regions} making the area safe. Please keep well away from damaged equipment and follow directions from emergency services. We'll post our next update {next_update}.",
  },
  {
    name: "Safety - resolved",
    kind: "resolution",
    topic: "safety",
    body: "The area in {regions} has been made safe and our crews have finished their work there. Thank you for keeping clear. If you see anything else that looks dangerous, call 911 first, then let us know.",
  },
];
