// Who a notice is from, on real mail in the SMTP sink: always the app's own
// sender (a seller's address as From fails strict DMARC), the shop's name as
// display name — safely, whatever the name holds — and the seller's address
// as Reply-To.
import { simpleParser, type AddressObject } from "mailparser";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import { deliverNotice, type DeliveryDeps } from "../../app/notices/deliver-notice.server.ts";
import { createSmtpMailer } from "../../app/notices/mailer.server.ts";
import { queueNotice } from "../../app/notices/queue-notice.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { startMailSink, type MailSink } from "../../sandbox/mail/mail-sink.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const PUBLIC_URL = "https://kizuna.example.com";

describeEachDatabase("the sender of a notice", (provider) => {
  let database: TestDatabase;
  let db: Db;
  let sink: MailSink;
  let deps: DeliveryDeps;
  let seq = 0;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    sink = await startMailSink();
    deps = { mailer: createSmtpMailer(sink.url), sms: null, now: () => new Date(), publicUrl: PUBLIC_URL, secret: "s" };
  });

  afterAll(async () => {
    deps?.mailer.close?.();
    await sink?.close();
    await database?.drop();
  });

  /** A shop named `name` (settings: `senderName`, `senderEmail`), one delay notice delivered; the mail as received. */
  async function mailOf(shopName: string, settings: { senderName?: string; senderEmail?: string } = {}) {
    const shop = `kizuna-sender-${++seq}.myshopify.com`;
    const to = `buyer${seq}@example.com`;
    await recordInstall(db, shop, null);
    await db.shop.update({
      where: { domain: shop },
      data: { name: shopName, email: "owner@strict-dmarc.example", timezone: "Asia/Tokyo" },
    });
    await db.shopSettings.create({ data: { shop, quietStart: "00:00", quietEnd: "00:00", ...settings } });
    const queued = await queueNotice(db, {
      shop,
      kind: "delay",
      dedupeKey: "delay:o1:late",
      email: to,
      locale: "en",
      variables: { orderName: "#1001", items: "Tea × 1", reason: "late" },
    });
    expect(queued.status).toBe("queued");
    const result = await deliverNotice(db, deps, (queued as { noticeId: number }).noticeId);
    expect(result.status).toBe("sent");
    const received = await sink.waitFor((mail) => mail.envelope.to.includes(to), 10_000);
    const parsed = await simpleParser(received.raw);
    const from = (parsed.from as AddressObject).value;
    const replyTo = (parsed.replyTo as AddressObject | undefined)?.value ?? [];
    return { received, parsed, from, replyTo, shop, to };
  }

  it("is the app's address with the shop's name, and replies go to the seller", async () => {
    const { from, replyTo, received } = await mailOf("Tsumugi Store", { senderEmail: "hello@tsumugi.example" });
    expect(from).toEqual([{ name: "Tsumugi Store", address: "no-reply@kizuna.example.com" }]);
    expect(replyTo.map((box) => box.address)).toEqual(["hello@tsumugi.example"]);
    expect(received.envelope.from).toBe("no-reply@kizuna.example.com");
  });

  it("uses MAIL_FROM when set, and the shop's own email as Reply-To when the seller set none", async () => {
    const saved = deps.senderAddress;
    deps.senderAddress = "notices@mail.kizuna.example.com";
    try {
      const { from, replyTo } = await mailOf("Plain Shop");
      expect(from[0]?.address).toBe("notices@mail.kizuna.example.com");
      expect(replyTo.map((box) => box.address)).toEqual(["owner@strict-dmarc.example"]);
    } finally {
      deps.senderAddress = saved;
    }
  });

  it("shows quotes, commas and non-ASCII in the name as written, without breaking the header", async () => {
    const quoted = await mailOf('Tea "House", Kyoto <best>');
    expect(quoted.from).toEqual([{ name: 'Tea "House", Kyoto <best>', address: "no-reply@kizuna.example.com" }]);
    const japanese = await mailOf("つむぎ商店, 京都「本店」", { senderName: "つむぎ商店, 京都「本店」" });
    expect(japanese.from).toEqual([{ name: "つむぎ商店, 京都「本店」", address: "no-reply@kizuna.example.com" }]);
    const encodedLookalike = await mailOf("=?UTF-8?B?RXZpbA==?=");
    expect(encodedLookalike.from[0]?.name).toBe("=?UTF-8?B?RXZpbA==?=");
  });

  it("turns line breaks in the name into spaces: no injected header, no extra recipient", async () => {
    const { from, parsed, received, to } = await mailOf("Evil Shop\r\nBcc: victim@example.net\r\nX-Injected: 1");
    expect(from).toEqual([
      { name: "Evil Shop Bcc: victim@example.net X-Injected: 1", address: "no-reply@kizuna.example.com" },
    ]);
    expect(parsed.headers.has("bcc")).toBe(false);
    expect(parsed.headers.has("x-injected")).toBe(false);
    expect(received.envelope.to).toEqual([to]);
  });
});
