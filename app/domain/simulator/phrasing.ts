import {
  addSlang,
  addTypos,
  compileAll,
  compileTemplate,
  type FillContext,
  fill,
  placeMention,
  platformHandle,
  shout,
  type Template,
  tidy,
} from "./text";
import type { SourceName, TopicSlug } from "./types";

/**
 * What complaints say, by topic and channel. Social posts (X, Bluesky, Mastodon, Facebook comments) are
 * filled from `SOCIAL` (or `SARCASM`), then roughed up: typos, text-speak, lower case or ALL CAPS,
 * @mentions of the company, ETA questions, hashtags, emoji, place names, a second grievance. Tickets
 * (Zendesk) and web forms are fuller sentences; call-centre records are an agent's terse notes.
 */

const SOCIAL_SRC: Record<TopicSlug, string[]> = {
  outage: [
    "[Power|power|Electricity|Lights] [out|off|went out] on {street} since {time}[, any ETA?|. ETA??|| again]",
    "no power [again|] [in {city}|here|at my place][. {dur} now|| and no word from {co}]",
    "Is anyone else's [power|internet|wifi] out[ in {city}|]?",
    "[Internet|internet|wifi|WiFi] down [since {time}|for {dur}|again][, {dev} lights all red|, rebooted the {dev} {n} times|]",
    "{at} [my|our] [power|internet|service] has been out for {dur}. [What's going on?|Any update?|Is there an ETA?|Hello??]",
    "[whole|the whole|entire] [block|street|neighborhood] is dark[ on {street}|] 🕯️",
    "no signal at all[ in {city}|] since {time}",
    "[Lost|lost] power [around|at|about] {time}[. {n} kids and a dead phone|. fridge full of food|. working from home, great|]",
    "{co} outage map says [nothing|everything is fine] but we've been out {dur}",
    "[Power's|power is|Powers] out. [Again|again]. [This is the {nth} time this month|Every single week|]",
    "no internet = no work[ for {dur}|]. [thanks|thank you so much] {co}",
    "[Service down?|Service down??|is the service down?|anyone else out?] {place}[ since {time}|]",
    "still [no power|no internet|without power] [on {street}|here|in {city}]. {dur} and counting",
    "[Our|our] [power|electricity] just went out[ in {city}|]. [Transformer?|Anyone know why?|What happened?|]",
    "the [internet|wifi] went down mid[-| ][meeting|game|movie|exam] 😤",
    "{at} [is there an outage|are you aware of an outage] [near|around] {street}? [no power|no internet] since {time}",
    "[Been|been] without [power|internet] for {dur} [with a newborn|with no updates|and nobody can tell me anything|]",
    "[Internet|internet] [is|] dead [again|] [at home|] [and {co} won't say why|]",
    "[why is|Why is] my [power|internet] out [on a {month} night|when it's not even storming]",
    "Traffic lights out on {street}[, drive careful|]. [Power outage?|Guessing the power is out|]",
    "[Day|day] {n} of no [internet|service]. [Working from my car|Tethering off my phone like it's 2009]",
    "[No|no] [power|electricity] at {addr}[. reported it {n} times|]",
  ],
  degraded: [
    "[internet|wifi|Internet] [so|sooo|super|painfully] slow [tonight|today|right now|again]",
    "speed test says {speed}. paying for {plan} [lol|smh|🙃|]",
    "[wifi|connection|internet] keeps dropping every {n} minutes[ since {time}|]",
    "lights [flickering|keep flickering|dimming] [all evening|since {time}|on and off][ on {street}|]",
    "[video calls|zoom|netflix|streaming] buffering nonstop[ in {city}|]",
    "{at} is something going on? [internet|service] in and out all day",
    "[Lag is|lag is|The lag is] unreal tonight[, {place}|], can't even load a webpage",
    "spotty service [again|all week][ in {city}|]",
    "power keeps [blinking|browning out|flickering], [clocks reset|{dev} rebooted] {n} times",
    "packet loss through the roof[ tonight|], {co} what's up",
    "[Internet|internet] [crawling|barely working] [since {time}|all day]. [Rebooted the {dev}, nothing|]",
    "[Getting|getting] like {speed} on a {plan} plan. [seriously?|Seriously?|cool cool cool]",
    "[my|My] connection [drops|cuts out] every time [it rains|someone turns on the microwave|I get on a call]",
    "{co} [why is|why's] everything so slow [tonight|this week|since {month}]",
    "[weak signal|one bar|barely a signal] [at home|in the house|on {street}] [since {time}|all week]",
    "[lights|Lights] dim every time the [AC|dryer|heater] kicks on[ since {month}|][, is that normal?|]",
  ],
  billing: [
    "[Why|why] [was I|am I|did I get] charged [twice|two times|{amt}] [this month|for {month}]?",
    "[bill|Bill|My bill] went up {amt} [for no reason|with zero explanation|again]",
    "autopay [took|pulled|charged] {amt} [twice|two times|on the wrong date]",
    "still waiting on my refund from {month}[. it's been {n} weeks|]",
    "{at} [late fee|Late fee] on my bill but I paid on time[, have the receipt|]",
    "How is my bill {amt} when I [was out of town|used less than last month|was barely home]",
    "[got|Got] a bill for [an account|service at an address] I closed in {month}",
    "[charged|Charged] for a [tech visit|equipment fee|modem rental] [I never got|that never happened]",
    "{co} [double charged|double-charged] me. [Again.|Fix it.|Who do I talk to?]",
    "[bill|Bill] says {amt}, the app says something else. [which is it?|Which one is it??]",
    "[the|The] 'promo rate' lasted {n} months and now I pay {amt}[ lol|]",
    "[I was|was] [promised|told] a credit for the outage in {month}. [Never showed up|Still nothing]",
    "[paid|Paid] my bill [on the 1st|last week] and now there's a [past due|disconnection] notice??",
  ],
  "app-login": [
    "[app|App|the app] [keeps crashing|won't open|won't load] [when I try to pay|on login|]",
    "can't log in[ to pay my bill|], [error|Error] {code}",
    "password reset email never [arrives|came|shows up][, tried {n} times| since {time}|]",
    "[2fa|verification] code never [comes|arrives], [locked out|can't sign in][ for {dur}|]",
    "{at} [website|site] login [broken|down|not working]?",
    "account locked after {n} attempts[, correct password| with the right password] 🤬",
    "[the|The] {co} app [logged me out|signed me out] and now [won't let me back in|says my account doesn't exist]",
    "{app} just spins when I hit sign in[ since {time}|, {n}th try|]",
    "[anyone else|Anyone else] getting error {code} on {app}?",
    "[Trying|trying] to report an outage but {app} won't let me log in. [ironic|Incredible]",
  ],
  install: [
    "tech [was supposed to come|was scheduled] [between 8-12|8am-noon|this morning], [no show|never showed|nobody came][. took the day off for nothing|]",
    "install [appointment |]rescheduled [for the {nth} time|again]",
    "[waiting|Waiting] {n} weeks for [new service|an install|a hookup][ in {city}|]",
    "[technician|the tech] left [a mess|wires everywhere|without finishing] [at my place|]",
    "{at} when can I get an install date? [Moved in|moved in] {n} weeks ago",
    "[third|{nth}] appointment [cancelled|missed] [with no call|by text at 7am]",
    "[the|The] installer drilled through my [siding|floor] and left. [great work|Cool.]",
  ],
  support: [
    "on hold {mins} minutes [and counting|now|so far][ 🙃|]",
    "[chat|Chat] agent [disconnected me|ended the chat] [again|mid sentence|for the {nth} time]",
    "[nobody|No one] answers the phone at {co}[ lol|][, tried {n} times| today| since {time}|]",
    "{at} [DM'd|messaged] you {n} days ago, [no response|still nothing|crickets]",
    "[rep|agent] was [so rude|incredibly rude|condescending] [to me|] on the phone[ just now|]",
    "[promised|Promised] a call back [yesterday|{n} days ago], never [came|happened]",
    "transferred {n} times and then [hung up on|disconnected]",
    "[{co} customer service|customer service] [is a joke|is the worst|needs help]. {mins} minutes for a 'we'll look into it'",
    "[emailed|Emailed] support in {month}. [Still waiting|no reply yet]",
    "[the|The] automated line just [hangs up|loops|sends me back to the menu] when I say 'agent'[ ({n} tries)| again|]",
  ],
  safety: [
    "[Downed|downed] [power |]line on {street}[, sparks everywhere|, it's sparking|!!]",
    "[transformer|Transformer] [blew|exploded] on {street}[, huge bang|, loud boom and then dark|]",
    "[smell|I smell|strong smell of] gas [near|on] {street}[. who do I call?|]",
    "[line|wire] [hanging|down] across [the road|my driveway|{street}], [please send someone|is this live?]",
    "smoke coming from the [pole|box|transformer] on {street}[ since {time}|, right now]",
    "[tree|Tree] fell on the lines [on {street}|behind my house], [sparking|buzzing loud]",
  ],
  other: [
    "does {co} [have|offer] [budget billing|paperless billing|senior discounts|a payment plan][ in {city}|]? [asking for my mom|thinking about it|]",
    "how do I [transfer|move] my service to a new [address|apartment|place][ in {city}|]? [moving on the {n}th|closing in {n} weeks|]",
    "[is|Is] {co} hiring [linemen|techs|installers][ in {city}|]? [asking for a friend|my cousin wants in|]",
    "[tree|branches|a big oak] [touching|growing into|leaning on] the lines on {street}, who [do I|should I] call",
    "shoutout to the {co} crew on {street}[ today|| this morning], [working in the rain|out there since {time}|fixed it fast] 👏",
    "what's the [number|phone|email] for {co} [outages|billing|moving service]?[ can't find it on {app}|]",
    "why did my meter get [replaced|swapped][ last week| yesterday|][ without any notice|]?",
    "new smart meter [blinking|beeping|showing {code}][ since {time}|], is that normal?",
    "[anyone|Anyone] know if {co} does [solar|EV charger|heat pump] rebates[ in {city}|]?",
    "[thinking about|Thinking about] switching to {co} [fiber|internet|the {plan} plan], [worth it?|any good?|reviews?]",
    "[got|Got] a letter from {co} about [a rate change|tree trimming|a meter upgrade][ on {street}|], what does it mean",
    "{co} truck [parked|idling] on {street} [all day|since {time}], what are they doing",
    "[can|Can] {co} [move|bury] the line [over my yard|by my driveway] on {street}?",
  ],
};

const SARCASM_SRC: Partial<Record<TopicSlug, string[]>> = {
  outage: [
    "Love sitting in the dark, thanks {co} 🙃",
    "Great job {co}, {nth} outage this week 👏👏",
    "Oh cool the power's out again. very normal. very cool.",
    "Nothing says 'premium service' like {dur} without internet",
    "10/10 would lose power again. {at}",
  ],
  degraded: [
    "Love paying for {plan} and getting {speed} 🙃",
    "my internet is so fast it loaded half a tweet. thanks {co}",
    "Dial-up called, it wants its speeds back {at}",
  ],
  billing: [
    "Love how {co} can't fix my internet but never misses a billing day 🙃",
    "{amt} a month for this? what a bargain 🙄",
    "Charged twice, service once. {co} math",
  ],
  support: [
    "Day {n} on hold with {co}. I've made friends with the hold music",
    "Wow {co} answered in under an hour, kidding, still waiting",
  ],
  "app-login": ["the {co} app has a 100% success rate at not letting me in 👏"],
};

const MIXED_SRC: Partial<Record<TopicSlug, string[]>> = {
  outage: [
    "and nobody answers the phone",
    "and I still get charged for this",
    "can't even check the outage map, the app won't load",
  ],
  degraded: ["and support just tells me to reboot", "and I pay {amt} a month for it"],
  billing: ["and I was on hold {mins} minutes to ask about it", "and the app won't let me see the statement"],
  "app-login": ["and now I've got a late fee because I couldn't pay", "and the chat is 'unavailable'"],
  support: ["and my internet is still out", "and the bill is still wrong"],
  install: ["and I still got billed for the month", "and nobody answers the phone"],
};

const FACEBOOK_EXTRAS_SRC: Partial<Record<TopicSlug, string[]>> = {
  outage: [
    "We have a newborn at home.",
    "Fridge is full of food.",
    "I work from home and this is costing me money.",
    "My elderly mom lives with us and needs her oxygen machine.",
    "This is the {nth} time this month.",
    "Please post updates here, the phone line is useless.",
  ],
  degraded: ["Rebooted everything twice.", "It's been like this for a week.", "Kids can't do homework."],
  billing: [
    "I have the bank statement to prove it.",
    "Please fix this, money is tight.",
    "Sent a message, no reply.",
  ],
  support: ["Very disappointed.", "I've been a customer for 12 years.", "Just want a straight answer."],
};

const PREFIXES = ["ugh", "ok so", "so", "honestly", "hey", "yo", "well", "sigh.", "great.", "umm", "wow."];
const SUFFIXES = [
  "lol",
  "smh",
  "seriously",
  "ffs",
  "ridiculous",
  "unreal",
  "come on",
  "every time",
  "again.",
  "😑",
];

const ETA_QUESTIONS = [
  "any ETA?",
  "ETA??",
  "when will it be back?",
  "how long is this gonna take",
  "is there an estimated restoration time?",
  "any update??",
  "eta on a fix?",
];

const HASHTAGS: Record<TopicSlug, string[]> = {
  outage: ["#poweroutage", "#outage", "#blackout", "#internetdown", "#nopower"],
  degraded: ["#slowinternet", "#fail", "#wfh", "#buffering"],
  billing: ["#ripoff", "#customerservice", "#billing", "#fail"],
  "app-login": ["#fail", "#appdown", "#customerservice"],
  install: ["#customerservice", "#noshow", "#fail"],
  support: ["#customerservice", "#onhold", "#fail", "#worstcustomerservice"],
  safety: ["#safety", "#powerline", "#downedline"],
  other: ["#question", "#help"],
};

const EMOJI: Record<TopicSlug, string[]> = {
  outage: ["😡", "😤", "🕯️", "🔦", "🥵", "🥶", "💀", "🙄", "😩", "⚡"],
  degraded: ["🐌", "😤", "🙄", "😩", "🤦"],
  billing: ["💸", "🤬", "😒", "🙄", "😡"],
  "app-login": ["🤬", "😩", "🤦", "📱"],
  install: ["🙄", "😤", "⏰", "🤦"],
  support: ["☎️", "⏳", "🙃", "😡", "🤬"],
  safety: ["⚠️", "🔥", "😨", "⚡"],
  other: ["🤔", "🙏", "👍", "👀"],
};

const CALLCENTRE_SRC: Record<TopicSlug, string[]> = {
  outage: [
    "[Cust|CX|Caller] reports no [power|pwr] since {clock}, {street}. [Advised|Adv] ETR {etr}.",
    "CX rpts internet down since {clock}. [Modem lights off|No sync light|ONT red]. Outage confirmed in area, adv ETR {etr}.",
    "Caller states no svc at {addr} since {time}. Created tkt {tkt}.",
    "Cust no pwr, {nbr} also out. [Adv crew dispatched|Crew assigned], ETR {etr}.",
    "No power at {addr}. Medical equip on premise - flagged priority[, callback {etr}|].",
    "Cust reports total loss of svc {clock}. Verified acct, outage tkt {tkt}.[ Cust requested callback.|]",
    "Pwr out {street}. Cust upset re no updates[ for {dur}|]. Gave ETR {etr}, apologized.",
  ],
  degraded: [
    "Cust reports intermittent internet since {clock}. Ran line test, {n} errors. Tkt {tkt}.",
    "Cust states lights flickering at {addr}[ since {time}|]. Sched field check {etr}.",
    "Slow speeds rptd ({speed} on {plan}). Reset modem remotely, cust to call back if persists.",
    "Intermittent svc {street}, drops every {n} min. Escalated to network ops[, tkt {tkt}|].",
  ],
  billing: [
    "CX called re dbl charge on {month} stmt ({amt}). Refund req submitted {tkt}.",
    "Cust disputes {amt} late fee[ on {month} bill|]. Waived one-time.",
    "Caller upset re bill increase {amt}. Explained rate change[, cust not satisfied|].",
    "Autopay drafted twice ({amt}). Escalated to billing, {n}-{n2} bus days.",
    "Cust requests outage credit for {month}. Submitted {tkt}.",
  ],
  "app-login": [
    "Cust unable to log in to app, err {code}. Reset pw, issue persists. Tkt {tkt}.",
    "Acct locked after {n} failed logins. Unlocked, verified ID[, cust able to log in|].",
    "Cust not receiving 2FA code[ for {dur}|]. Updated phone on acct.",
  ],
  install: [
    "Cust missed appt window[ {clock}|], tech no-show. Resched {etr}.",
    "Install delayed[ at {addr}|], permit pending. Cust unhappy[, {n}th call|].",
    "Cust asking status of new svc order {tkt}. No date yet, adv {n}-{n2} days.",
  ],
  support: [
    "Caller upset re hold time {mins} min. Apologized, escalated to supv.",
    "Cust says prior agent hung up[ at {clock}| yesterday|]. Resolved, noted acct.",
    "Cust requesting supv re unresolved tkt {tkt}. Callback sched {etr}.",
  ],
  safety: [
    "Cust reports downed line {street}. Advised stay clear, dispatched crew, PRIORITY.",
    "Gas odor rptd near {addr}. Transferred to emergency line.",
    "Sparking pole {street} per caller. Emergency dispatch, adv 911 if fire.",
  ],
  other: [
    "Cust asking re budget billing[ ({amt}/mo avg)|]. Enrolled.",
    "Move svc request to {addr}. Sched {etr}.",
    "General inquiry re smart meter[ at {addr}|]. Info provided.",
    "Cust asked re tree trimming near lines {street}. Referred to veg mgmt.",
    "Cust asked re paperless billing. Updated email on acct.",
  ],
};

/** Call notes often end with the account (masked) and the agent's initials. */
const CALL_SUFFIXES = [
  "",
  "",
  " Acct ****{acct4}.",
  " Acct ****{acct4}. -{initials}",
  " -{initials}",
  " ({initials})",
];

/** Helpdesk tickets: [subject, body] pairs; web forms use the bodies alone. */
const TICKET_SRC: Record<TopicSlug, [subject: string, body: string][]> = {
  outage: [
    [
      "[Service outage|No service|Outage]",
      "[our|my] [power|internet] has been out since {time}. [Can you tell me when it will be restored?|Please advise on an ETA.|I work from home and need this fixed.]",
    ],
    [
      "No [power|service] at {addr}",
      "We have had no [electricity|service] at {addr} since {time}. [Neighbors are out too.|Only our house seems affected.] Please send someone.",
    ],
    [
      "[Internet|Power] [down|out][ since {time}|]",
      "I'm writing because the [internet|power] went out [at {clock}|this morning|last night|overnight] and [the outage map shows nothing|I can't get through on the phone].",
    ],
  ],
  degraded: [
    [
      "[Intermittent connection|Connection keeps dropping]",
      "My connection has been dropping every {n} minutes since {time}. I have restarted the {dev} [several|{n}] times.",
    ],
    ["[Slow internet|Speed issues]", "I pay for {plan} but speed tests show {speed}. Please look into this."],
    [
      "Lights flickering[ at {addr}|]",
      "Our lights have been flickering on and off at {addr} since {time}. Is there a problem on the line?",
    ],
  ],
  billing: [
    [
      "[Charged twice|Double charge on {month} bill|Duplicate payment]",
      "I was charged {amt} twice on my card [this month|on {month} {n}]. Please refund the duplicate payment.",
    ],
    [
      "[Question about my bill|{month} bill too high]",
      "My {month} bill is {amt} higher than usual and I don't understand why. Can someone explain the charges?",
    ],
    [
      "[Refund request|Missing refund]",
      "I was told I would receive a refund of {amt} in {month}. It has not arrived[ after {n} weeks|].",
    ],
    [
      "Late fee dispute",
      "A late fee [of {amt}|] was added to my account even though I paid on [time|{month} {n}]. Please remove it.",
    ],
  ],
  "app-login": [
    [
      "[Can't log in|Login error {code}]",
      "I cannot log in to my account[ since {time}|]. The site shows error {code} every time.",
    ],
    [
      "Password reset not working",
      "The password reset email never arrives[ (tried {n} times)|]. I have checked my spam folder.",
    ],
    [
      "App [crashes|closes] on sign in",
      "The app closes as soon as I try to sign in. I have reinstalled it[ {n} times|].",
    ],
  ],
  install: [
    [
      "Missed appointment",
      "The technician did not show up for my appointment [this morning|on {month} {n}]. Nobody called.",
    ],
    [
      "Installation status",
      "I ordered new service {n} weeks ago and still have no installation date[ for {addr}|].",
    ],
    [
      "[Unfinished installation|Installer left]",
      "The installation was left unfinished at {addr}. Please send someone to complete it.",
    ],
  ],
  support: [
    [
      "Unacceptable wait times",
      "I waited on hold for {mins} minutes and was then disconnected[ at {clock}| again|].",
    ],
    [
      "No response to my request",
      "I have contacted you {n} times [about the same issue|since {month}] and nobody has responded.",
    ],
    [
      "Complaint about [service|an agent]",
      "The agent I spoke to[ on {month} {n}| at {clock}|] was rude and did not resolve anything.",
    ],
  ],
  safety: [
    [
      "[Downed line|URGENT - sparking wire]",
      "There is a power line down on {street}. It is sparking. Please send a crew immediately.",
    ],
    [
      "[Gas smell|URGENT gas odor]",
      "We smell gas near {addr}[ since {time}|]. Please check it as soon as possible.",
    ],
  ],
  other: [
    [
      "Moving my service",
      "I'm moving to [{addr}|a new address] [next month|on {month} {n}]. How do I transfer my service?",
    ],
    [
      "[Budget billing|Question]",
      "Do you offer [budget billing|paperless statements|autopay discounts]? [My bills run about {amt}.|]",
    ],
    [
      "[Meter replaced|Question]",
      "Can you tell me why my meter [at {addr}|] was replaced[ last week| on {month} {n}|]?",
    ],
  ],
};

const TICKET_GREETINGS = [
  "",
  "Hi, ",
  "Hello, ",
  "Hello. ",
  "Good morning, ",
  "To whom it may concern: ",
  "Hi there, ",
];
const TICKET_CONTEXT = [
  "",
  "",
  " I have been a customer for {n} years.",
  " Account ending {acct4}.",
  " This is my {nth} time reaching out.",
  " My address is {addr}.",
  " Please call me back at your earliest convenience.",
  " Thank you for your help.",
];

const FORM_LABELS: Record<TopicSlug, string> = {
  outage: "Outage",
  degraded: "Service quality",
  billing: "Billing",
  "app-login": "Account access",
  install: "Installation",
  support: "Customer service",
  safety: "Safety hazard",
  other: "Other",
};

export const QUOTE_QUIPS = [
  "This. 👇",
  "💯",
  "👀",
  "THIS",
  "can confirm",
  "same",
  "not again",
  "ugh",
  "!!!",
  "{at} ???",
  "{at} answer her!!",
  "read this",
];

interface Compiled {
  social: Record<TopicSlug, Template[]>;
  sarcasm: Partial<Record<TopicSlug, Template[]>>;
  mixed: Partial<Record<TopicSlug, Template[]>>;
  facebookExtras: Partial<Record<TopicSlug, Template[]>>;
  callcentre: Record<TopicSlug, Template[]>;
  tickets: Record<TopicSlug, [subject: Template, body: Template][]>;
  ticketBodies: Record<TopicSlug, Template[]>;
  quips: Template[];
  callSuffixes: Template[];
  ticketContext: Template[];
}

function mapTopics<A, B>(table: Record<TopicSlug, A>, f: (value: A) => B): Record<TopicSlug, B> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, f(v as A)])) as Record<TopicSlug, B>;
}

function mapPartial<B>(
  table: Partial<Record<TopicSlug, string[]>>,
  f: (value: string[]) => B,
): Partial<Record<TopicSlug, B>> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, f(v ?? [])]));
}

const COMPILED: Compiled = {
  social: mapTopics(SOCIAL_SRC, compileAll),
  sarcasm: mapPartial(SARCASM_SRC, compileAll),
  mixed: mapPartial(MIXED_SRC, compileAll),
  facebookExtras: mapPartial(FACEBOOK_EXTRAS_SRC, compileAll),
  callcentre: mapTopics(CALLCENTRE_SRC, compileAll),
  tickets: mapTopics(TICKET_SRC, (pairs) =>
    pairs.map(([subject, body]) => [compileTemplate(subject), compileTemplate(body)] as [Template, Template]),
  ),
  ticketBodies: mapTopics(TICKET_SRC, (pairs) => compileAll(pairs.map(([, body]) => body))),
  quips: compileAll(QUOTE_QUIPS),
  callSuffixes: compileAll(CALL_SUFFIXES),
  ticketContext: compileAll(TICKET_CONTEXT),
};

const LIMITS: Partial<Record<SourceName, number>> = { x: 280, bluesky: 300, mastodon: 500 };

function clip(text: string, source: SourceName): string {
  const limit = LIMITS[source];
  if (!limit || text.length <= limit) return text;
  return `${text.slice(0, limit - 1).trimEnd()}…`;
}

/**
 * The words of one complaint. `custom` are an incident's own phrasings (compiled templates), used for
 * most of its social posts and forms; call-centre notes and tickets always use the per-topic sets.
 */
export function complaintText(
  topic: TopicSlug,
  ctx: FillContext,
  custom: readonly Template[] | null = null,
): string {
  return tidyLines(rawComplaintText(topic, ctx, custom));
}

/** `tidy` each line, keeping a ticket's blank lines. */
function tidyLines(text: string): string {
  return text.includes("\n") ? text.split("\n").map(tidy).join("\n") : tidy(text);
}

function rawComplaintText(topic: TopicSlug, ctx: FillContext, custom: readonly Template[] | null): string {
  const { rng, source } = ctx;
  if (source === "callcentre") {
    return fill(rng.pick(COMPILED.callcentre[topic]), ctx) + fill(rng.pick(COMPILED.callSuffixes), ctx);
  }
  if (source === "zendesk") {
    const [subject, body] = rng.pick(COMPILED.tickets[topic]);
    const text = ticketBody(custom && rng.chance(0.3) ? rng.pick(custom) : body, ctx);
    const signOff = rng.chance(0.5)
      ? `\n\n${rng.pick(["Thanks", "Thank you", "Regards"])},\n${ctx.firstName}`
      : "";
    return `${tidy(fill(subject, ctx))}\n\n${text}${signOff}`;
  }
  if (source === "form") {
    const body =
      custom && rng.chance(0.6)
        ? fill(rng.pick(custom), ctx)
        : ticketBody(rng.pick(COMPILED.ticketBodies[topic]), ctx);
    return rng.chance(0.4) ? `[${FORM_LABELS[topic]}] ${body}` : body;
  }
  return socialText(topic, ctx, custom);
}

/** Greeting + body + sometimes a line of context, as people write to a helpdesk. */
function ticketBody(template: Template, ctx: FillContext): string {
  const { rng } = ctx;
  const greeting = rng.pick(TICKET_GREETINGS);
  let body = tidy(fill(template, ctx));
  const lower = greeting.endsWith(", ") && !/^I\b/.test(body);
  body = (lower ? body.charAt(0).toLowerCase() : body.charAt(0).toUpperCase()) + body.slice(1);
  return `${greeting}${body}${fill(rng.pick(COMPILED.ticketContext), ctx)}`;
}

function socialText(topic: TopicSlug, ctx: FillContext, custom: readonly Template[] | null): string {
  const { rng, source } = ctx;
  const sarcasm = COMPILED.sarcasm[topic];
  let text: string;
  if (custom && rng.chance(0.75)) text = fill(rng.pick(custom), ctx);
  else if (sarcasm && rng.chance(0.07)) text = fill(rng.pick(sarcasm), ctx);
  else text = fill(rng.pick(COMPILED.social[topic]), ctx);
  text = tidy(text);

  const mixed = COMPILED.mixed[topic];
  if (mixed && rng.chance(0.05)) text = `${text.replace(/[.!?]+$/, "")}, ${fill(rng.pick(mixed), ctx)}`;
  if (ctx.city && rng.chance(0.12) && !text.includes(ctx.city.name)) {
    const place = placeMention(rng, ctx.city, ctx.regionCode, ctx.regionName);
    text = rng.chance(0.5) ? `${text} (${place})` : `${place}: ${text}`;
  }
  if (rng.chance(0.12)) text = `${rng.pick(PREFIXES)} ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
  if (rng.chance(0.12)) text = `${text.replace(/[.!]+$/, "")} ${rng.pick(SUFFIXES)}`;
  if (rng.chance(0.15)) text = addSlang(text, rng);
  if (rng.chance(0.12)) text = addTypos(text, rng);
  const casing = rng.next();
  if (casing < 0.25) text = text.toLowerCase();
  else if (casing < 0.29 && text.length < 140) text = shout(text);

  if (source === "facebook") {
    const extras = COMPILED.facebookExtras[topic];
    if (extras && rng.chance(0.45)) text = `${text} ${fill(rng.pick(extras), ctx)}`;
  } else {
    const handle = platformHandle(ctx.company, source);
    if (rng.chance(0.35) && !text.includes(handle)) {
      text = rng.chance(0.7) ? `${handle} ${text}` : `${text} ${handle}`;
    }
  }
  if ((topic === "outage" || topic === "degraded") && rng.chance(0.25) && !text.includes("?")) {
    text = `${text.replace(/[.!]+$/, "")}${rng.chance(0.5) ? "." : ""} ${rng.pick(ETA_QUESTIONS)}`;
  }
  if (rng.chance(0.2)) {
    text += ` ${rng.pick(HASHTAGS[topic])}`;
    if (rng.chance(0.35)) {
      text += ctx.city
        ? ` #${ctx.city.name.replace(/[^A-Za-z]/g, "")}`
        : ` #${ctx.company.short}${topic === "outage" ? "Outage" : "Fail"}`;
    }
  }
  if (rng.chance(0.22)) {
    const emoji = rng.pick(EMOJI[topic]);
    text += ` ${rng.chance(0.3) ? emoji + emoji + emoji : emoji}`;
  }
  return clip(text, source);
}

/** The words of one amplification: a manual RT, a quote with a quip, or the same text again. */
export function repostText(
  style: "rt" | "quote" | "same",
  originalText: string,
  originalHandle: string,
  ctx: FillContext,
): string {
  if (style === "same") return originalText;
  const rt = `RT ${originalHandle}: ${originalText}`;
  if (style === "rt") return clip(rt, ctx.source);
  const quip = tidy(fill(ctx.rng.pick(COMPILED.quips), ctx));
  return clip(ctx.rng.chance(0.5) ? `${quip} ${rt}` : `${quip} "${originalText}"`, ctx.source);
}
