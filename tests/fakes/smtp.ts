import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

/**
 * A real SMTP server (nodemailer's smtp-server, https://nodemailer.com/extras/smtp-server/) with
 * AUTH PLAIN/LOGIN, reading each accepted message back with mailparser. Reply codes follow RFC 5321
 * §4.2: 4yz transient (421 service closing, 451 local error), 5yz permanent (550 mailbox
 * unavailable), 535 authentication failed / 454 temporary auth failure (RFC 4954 §6). It can be told
 * to answer a code at the greeting, AUTH, MAIL FROM, RCPT TO or after DATA for the next N messages, or to stall after the data
 * arrived (the message is in, but no reply ever comes), and it records every message it accepted.
 */

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  user: string | undefined;
  raw: string;
  parsed: ParsedMail;
}

type Stage = "connect" | "auth" | "mail" | "rcpt" | "data";
export type SmtpTrouble = { at: Stage; code: number; message: string } | { at: "stall" };

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export class SmtpFake {
  readonly received: ReceivedMail[] = [];
  /** Messages whose data arrived but that were left without a reply (the `stall` trouble). */
  readonly stalled: ReceivedMail[] = [];
  readonly user = "clarion";
  readonly password = "s3cret-smtp-password";
  port = 0;
  private readonly scripted: SmtpTrouble[] = [];
  private readonly server: SMTPServer;

  constructor() {
    this.server = new SMTPServer({
      logger: false,
      banner: "Clarion test MTA",
      authMethods: ["PLAIN", "LOGIN"],
      allowInsecureAuth: true, // loopback only: no TLS to negotiate in tests
      disabledCommands: ["STARTTLS"],
      size: 10 * 1024 * 1024,
      closeTimeout: 200,
      onConnect: (_session, callback) => {
        const trouble = this.take("connect");
        callback(trouble ? smtpError(trouble.code, trouble.message) : null);
      },
      onAuth: (auth, _session, callback) => {
        const trouble = this.take("auth");
        if (trouble) return callback(smtpError(trouble.code, trouble.message));
        if (auth.username === this.user && auth.password === this.password)
          return callback(null, { user: auth.username });
        callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
      },
      onMailFrom: (_address, session, callback) => {
        if (!session.user) return callback(smtpError(530, "5.7.0 Authentication required"));
        const trouble = this.take("mail");
        callback(trouble ? smtpError(trouble.code, trouble.message) : null);
      },
      onRcptTo: (address, _session, callback) => {
        const trouble = this.take("rcpt");
        if (trouble) return callback(smtpError(trouble.code, trouble.message));
        if (address.address.endsWith("@nowhere.example"))
          return callback(smtpError(550, "5.1.1 No such user here"));
        callback(null);
      },
      onData: (stream, session, callback) => {
        void this.receive(stream, session, callback);
      },
    });
    this.server.on("error", () => {}); // a client hanging up mid-session is not the fake's failure
  }

  /** The next `times` messages meet this trouble, after whatever is already scripted. */
  trouble(trouble: SmtpTrouble, times = 1): void {
    for (let i = 0; i < times; i++) this.scripted.push(trouble);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The first scripted trouble, if it belongs to this stage of the session. */
  private take(at: Stage): { code: number; message: string } | undefined {
    const next = this.scripted[0];
    if (next?.at !== at) return undefined;
    this.scripted.shift();
    return next;
  }

  private takeStall(): boolean {
    if (this.scripted[0]?.at !== "stall") return false;
    this.scripted.shift();
    return true;
  }

  private async receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (error) {
      // The client went away mid-DATA (a worker killed while sending): as with a real MTA, no message
      // was accepted, and it is not the fake's failure.
      return callback(error as Error);
    }
    const raw = Buffer.concat(chunks);
    if (stream.sizeExceeded) return callback(smtpError(552, "5.3.4 Message too big"));
    const mail: ReceivedMail = {
      envelope: {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
        to: session.envelope.rcptTo.map((r) => r.address),
      },
      user: session.user as string | undefined,
      raw: raw.toString("utf8"),
      parsed: await simpleParser(raw),
    };
    if (this.takeStall()) {
      this.stalled.push(mail); // the data is here; the reply never comes
      return;
    }
    const trouble = this.take("data");
    if (trouble) return callback(smtpError(trouble.code, trouble.message));
    this.received.push(mail);
    callback(null, `2.0.0 Ok: queued as ${this.received.length.toString(16).padStart(8, "0")}`);
  }
}
