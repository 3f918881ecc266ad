import type { NodemailerError } from "nodemailer/lib/errors";
import MailComposer from "nodemailer/lib/mail-composer";
import SMTPConnection from "nodemailer/lib/smtp-connection";
import { z } from "zod";
import { headerSafeId, httpUrl, listOf, optional, payloadInvalid } from "./common.server";
import type {
  ChannelAdapter,
  ChannelContext,
  ChannelTestResult,
  OutboundMessage,
  SendOutcome,
} from "./types";

/**
 * Email over SMTP with nodemailer (https://nodemailer.com/smtp/, https://nodemailer.com/message/).
 * One SMTP transaction per message, driven step by step so an outcome says what really happened:
 * nothing is delivered before the server has the whole message (RFC 5321 §4.1.1.4), so a failure
 * while connecting, signing in or in the envelope is retried; 4yz replies are temporary (retry),
 * 5yz permanent (failed, 535 = credentials); only silence after the data went out is `unknown`.
 * The Message-ID comes from the idempotency key; follow-ups carry In-Reply-To/References (RFC 5322
 * §3.6.4) so mail clients thread them; `List-Unsubscribe` + one-click POST (RFC 8058) when the
 * payload has an unsubscribe URL. Remote id: the Message-ID, `<…@domain>`.
 */

const email = z.email();

const configSchema = z.object({
  host: z.string().trim().min(1),
  port: z.coerce.number().int().min(1).max(65535).default(587),
  /** `starttls` (587, upgrade required), `tls` (465, implicit TLS) or `none` (a local relay only). */
  security: z.enum(["starttls", "tls", "none"]).default("starttls"),
  from: email,
  fromName: optional(z.string().trim()),
  /** Addresses that receive incident updates (subscribers are mailed one by one instead). */
  to: listOf(email).default([]),
});
const credentialsSchema = z
  .object({ user: optional(z.string()), password: optional(z.string()) })
  .refine((c) => !c.user || c.password, "A password is needed with the user name");

const payloadSchema = z.object({
  subject: z.string().trim().min(1).max(998),
  html: z.string().min(1),
  text: z.string().min(1),
  unsubscribeUrl: optional(httpUrl),
});

type Config = z.infer<typeof configSchema>;
type Credentials = z.infer<typeof credentialsSchema>;
type Ctx = ChannelContext<Config, Credentials>;
type Failure = Exclude<SendOutcome, { outcome: "sent" }>;

/** Where a session failed: before the data went out nothing can have been delivered. */
type Stage = "connect" | "auth" | "send";

class SmtpStepError extends Error {
  constructor(
    readonly stage: Stage,
    override readonly cause: NodemailerError,
    readonly dataSent: boolean,
  ) {
    super(cause.message);
  }
}

/** Run one SMTPConnection step: its callback, or the `error` event the connection emits instead. */
function step<T>(
  conn: SMTPConnection,
  stage: Stage,
  run: (done: (err?: NodemailerError | null, value?: T) => void) => void,
) {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (err?: NodemailerError | null, value?: T) => {
      if (settled) return;
      settled = true;
      conn.off("error", finish);
      if (!err) return resolve(value as T);
      // The server said "354 go ahead" to DATA: the message may be complete on its side.
      const dataSent = stage === "send" && !err.responseCode && /^354/.test(conn.lastServerResponse || "");
      reject(new SmtpStepError(stage, err, dataSent));
    };
    conn.on("error", finish);
    run(finish);
  });
}

/** Connect and sign in; the caller sends and must call `close()`. */
async function openSession(ctx: Ctx): Promise<SMTPConnection> {
  const { host, port, security } = ctx.config;
  const conn = new SMTPConnection({
    host,
    port,
    secure: security === "tls",
    requireTLS: security === "starttls",
    ignoreTLS: security === "none",
    connectionTimeout: ctx.timeoutMs,
    greetingTimeout: ctx.timeoutMs,
    socketTimeout: ctx.timeoutMs,
    socketCloseTimeout: 0,
    name: new URL(ctx.publicUrl).hostname,
  });
  conn.on("error", () => {}); // errors outside a step (after quit) have nobody to tell
  try {
    await step<void>(conn, "connect", (done) => conn.connect(() => done()));
    const { user, password } = ctx.credentials;
    if (user) await step<boolean>(conn, "auth", (done) => conn.login({ user, pass: password }, done));
    return conn;
  } catch (error) {
    conn.close();
    throw error;
  }
}

function smtpReply(err: NodemailerError): string {
  return (err.response ?? err.message).replace(/\s+/g, " ").trim().slice(0, 200);
}

/** Turn a failed SMTP step into an outcome (see the header comment). */
function classify(error: unknown): Failure {
  if (!(error instanceof SmtpStepError)) throw error;
  const { cause, stage } = error;
  const code = cause.responseCode;
  if (code) {
    const reply = smtpReply(cause);
    const permanent = cause.permanent ?? (code >= 500 && code !== 503);
    if (stage === "auth" && permanent)
      return {
        outcome: "failed",
        reason: `The mail server refused the credentials (${reply}). Update them in Settings → Channels, then retry.`,
      };
    if (permanent && stage === "connect")
      return {
        outcome: "failed",
        reason: `The mail server refused the session${cause.command === "STARTTLS" ? " upgrade to TLS (STARTTLS)" : ""}: ${reply}. Check the SMTP settings.`,
      };
    if (permanent) return { outcome: "failed", reason: `The mail server refused the message: ${reply}.` };
    return {
      outcome: "retry",
      reason: `The mail server deferred the message: ${reply}. Nothing was delivered.`,
    };
  }
  if (error.dataSent)
    return {
      outcome: "unknown",
      reason: `${cause.code === "ETIMEDOUT" ? "The mail server did not answer" : "The connection broke"} after the message was sent: it may have been delivered. Check a recipient's inbox, then mark it sent or send it again.`,
    };
  if (
    cause.code === "ETLS" ||
    cause.code === "EREQUIRETLS" ||
    cause.code === "ENOAUTH" ||
    cause.code === "ECONFIG"
  )
    return {
      outcome: "failed",
      reason: `The mail server connection failed: ${cause.message}. Check the SMTP settings.`,
    };
  // Refused by nodemailer itself before asking the server (a bad envelope, an oversized message).
  if (cause.code === "EENVELOPE" || cause.code === "EMESSAGE")
    return { outcome: "failed", reason: `The message cannot be sent: ${cause.message}.` };
  const what =
    cause.code === "ETIMEDOUT"
      ? "did not answer in time"
      : `could not be reached (${cause.originalCode ?? cause.code ?? "network error"})`;
  return {
    outcome: "retry",
    reason: `The mail server ${what} while ${stage === "send" ? "starting the message" : stage === "auth" ? "signing in" : "connecting"}; nothing was delivered.`,
  };
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

export function messageIdFor(idempotencyKey: string, from: string): string {
  return `<${headerSafeId(idempotencyKey)}.clarion@${domainOf(from)}>`;
}

interface Mail {
  to: string[];
  subject: string;
  html: string;
  text: string;
  messageId: string;
  unsubscribeUrl?: string;
  inReplyTo?: string;
  references?: string[];
}

async function deliver(ctx: Ctx, mail: Mail, beforeDispatch: () => Promise<void>): Promise<SendOutcome> {
  const node = new MailComposer({
    from: ctx.config.fromName ? { name: ctx.config.fromName, address: ctx.config.from } : ctx.config.from,
    to: mail.to,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    ...(mail.unsubscribeUrl && {
      headers: {
        // MailComposer ignores nodemailer's `list` option (the Mailer applies it), so set the headers.
        "List-Unsubscribe": `<${new URL(mail.unsubscribeUrl).href}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    }),
  }).compile();
  const raw = await node.build();
  let conn: SMTPConnection | null = null;
  try {
    conn = await openSession(ctx);
    const session = conn;
    await beforeDispatch();
    const info = await step<{ accepted: string[]; response: string }>(session, "send", (done) =>
      session.send(node.getEnvelope(), raw, (err, result) => done(err, result)),
    );
    session.quit();
    if (info.accepted.length === 0)
      return { outcome: "failed", reason: "The mail server accepted no recipient." };
    return { outcome: "sent", remoteId: mail.messageId, remoteUrl: null };
  } catch (error) {
    conn?.close();
    return classify(error);
  }
}

export const emailAdapter: ChannelAdapter<Config, Credentials> = {
  kind: "email",
  label: "Email (SMTP)",
  idempotent: false,
  threads: true,
  configSchema,
  credentialsSchema,
  configFields: [
    { name: "host", label: "SMTP host", type: "text", required: true, placeholder: "smtp.example.com" },
    { name: "port", label: "Port", type: "number", required: true, defaultValue: "587" },
    {
      name: "security",
      label: "Encryption",
      type: "text",
      required: true,
      defaultValue: "starttls",
      help: "“starttls” (port 587), “tls” (port 465) or “none” (a relay on this network only).",
    },
    { name: "from", label: "From address", type: "email", required: true, placeholder: "status@example.com" },
    { name: "fromName", label: "From name", type: "text", required: false, placeholder: "Example Status" },
    {
      name: "to",
      label: "Addresses for incident updates",
      type: "textarea",
      required: false,
      help: "One per line. Subscribers are mailed individually.",
    },
  ],
  credentialFields: [
    { name: "user", label: "User name", type: "text", required: false },
    { name: "password", label: "Password", type: "secret", required: false },
  ],

  async send(ctx, message: OutboundMessage) {
    const payload = payloadSchema.safeParse(message.payload);
    if (!payload.success) return payloadInvalid("email", payload.error);
    const to = message.recipient ? [message.recipient] : ctx.config.to;
    if (to.length === 0)
      return { outcome: "failed", reason: "No addresses to mail: add some in Settings → Channels." };
    const invalid = to.find((address) => !email.safeParse(address).success);
    if (invalid) return { outcome: "failed", reason: `${invalid} is not an email address.` };
    const thread = message.thread;
    return deliver(
      ctx,
      {
        to,
        ...payload.data,
        messageId: messageIdFor(message.idempotencyKey, ctx.config.from),
        ...(thread && {
          inReplyTo: thread.parent,
          references: thread.root === thread.parent ? [thread.root] : [thread.root, thread.parent],
        }),
      },
      () => message.markDispatched(),
    );
  },

  async test(ctx, { to }): Promise<ChannelTestResult> {
    const where = `${ctx.config.host}:${ctx.config.port}`;
    try {
      (await openSession(ctx)).quit();
    } catch (error) {
      return { ok: false, message: classify(error).reason };
    }
    const signedIn = `Connected to ${where}${ctx.credentials.user ? ` as ${ctx.credentials.user}` : ""}`;
    if (!to) return { ok: true, message: `${signedIn}.` };
    const outcome = await deliver(
      ctx,
      {
        to: [to],
        subject: "[Test] Clarion email channel",
        text: "This is a test from Clarion: the email channel works. No action needed.",
        html: "<p>This is a test from Clarion: the email channel works. No action needed.</p>",
        messageId: messageIdFor(`test-${Date.now()}`, ctx.config.from),
      },
      async () => {},
    );
    if (outcome.outcome !== "sent")
      return { ok: false, message: `${signedIn}, but the test mail failed: ${outcome.reason}` };
    return { ok: true, message: `${signedIn}; a test mail went to ${to}.` };
  },
};
