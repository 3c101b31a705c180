// Mail nobody wrote by hand: auto-replies, bounces and list mail never count
// as the customer answering. Each signal alone, and the look-alikes that are
// real customers.
import { describe, expect, it } from "vitest";
import { classifyMail, type MailSignals } from "../../app/inbox/mail/classify-mail.ts";

function signals(over: Partial<Omit<MailSignals, "headers">> & { headers?: Record<string, string> } = {}): MailSignals {
  const headers = new Map(Object.entries(over.headers ?? {}).map(([k, v]) => [k.toLowerCase(), [v]]));
  return {
    fromAddress: over.fromAddress ?? "customer@example.com",
    subject: over.subject ?? "Re: your order",
    contentType: over.contentType ?? "text/plain",
    reportType: over.reportType ?? null,
    deliveryStatus: over.deliveryStatus ?? null,
    headers,
  };
}

describe("classifyMail", () => {
  it("a plain reply is a message", () => {
    expect(classifyMail(signals())).toEqual({ kind: "message", bouncedRecipient: null });
  });

  it.each([
    ["Auto-Submitted: auto-replied", { headers: { "Auto-Submitted": "auto-replied" } }],
    ["Auto-Submitted: auto-generated", { headers: { "Auto-Submitted": "auto-generated" } }],
    ["X-Autoreply", { headers: { "X-Autoreply": "yes" } }],
    ["X-Autorespond", { headers: { "X-Autorespond": "Out of office" } }],
    ["Precedence: auto_reply", { headers: { Precedence: "auto_reply" } }],
    ["Out of Office subject", { subject: "Out of Office: Re: your order" }],
    ["Automatic reply subject", { subject: "Automatic reply: your order" }],
    ["自動返信 subject", { subject: "【自動返信】お問い合わせありがとうございます" }],
    ["自動返信 after Re:", { subject: "自動返信: Re: ご注文" }],
    ["不在通知 subject", { subject: "不在通知" }],
    ["read receipt", { contentType: "multipart/report", reportType: "disposition-notification" }],
  ])("auto-reply: %s", (_name, over) => {
    expect(classifyMail(signals(over)).kind).toBe("auto_reply");
  });

  it("Auto-Submitted: no, and a customer writing about a missed-delivery slip (不在票), are messages", () => {
    expect(classifyMail(signals({ headers: { "Auto-Submitted": "no" } })).kind).toBe("message");
    expect(classifyMail(signals({ subject: "不在票が入っていました" })).kind).toBe("message");
    expect(classifyMail(signals({ subject: "Re: out of stock?" })).kind).toBe("message");
  });

  it("bounce: a delivery report names the failed recipient (Final-Recipient first)", () => {
    const status =
      "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; Gone@Example.com\nOriginal-Recipient: rfc822;other@example.com\nAction: failed\n";
    expect(
      classifyMail(
        signals({
          contentType: "multipart/report",
          reportType: "delivery-status",
          deliveryStatus: status,
          headers: { "Auto-Submitted": "auto-replied" },
        }),
      ),
    ).toEqual({ kind: "bounce", bouncedRecipient: "gone@example.com" });
  });

  it("bounce: MAILER-DAEMON or postmaster without a report; X-Failed-Recipients names the address", () => {
    expect(classifyMail(signals({ fromAddress: "MAILER-DAEMON@mx.example" })).kind).toBe("bounce");
    expect(classifyMail(signals({ fromAddress: "postmaster@example.jp" })).kind).toBe("bounce");
    expect(
      classifyMail(
        signals({
          fromAddress: "mailer-daemon@googlemail.com",
          headers: { "X-Failed-Recipients": "lost@example.com" },
        }),
      ),
    ).toEqual({ kind: "bounce", bouncedRecipient: "lost@example.com" });
    expect(classifyMail(signals({ fromAddress: "post.master@example.com" })).kind).toBe("message");
  });

  it("list: List-Id, Precedence list, or List-Unsubscribe with Precedence bulk", () => {
    expect(classifyMail(signals({ headers: { "List-Id": "<news.example>" } })).kind).toBe("list");
    expect(classifyMail(signals({ headers: { Precedence: "list" } })).kind).toBe("list");
    expect(classifyMail(signals({ headers: { "List-Unsubscribe": "<mailto:u@x>", Precedence: "bulk" } })).kind).toBe(
      "list",
    );
    // a shop's order mail with an unsubscribe link alone is still a message
    expect(classifyMail(signals({ headers: { "List-Unsubscribe": "<mailto:u@x>" } })).kind).toBe("message");
  });
});
