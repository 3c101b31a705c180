// The notice engine's pure parts: the template language, default templates,
// locale choice, formatting, quiet hours, signed tokens and signatures.
import { describe, expect, it } from "vitest";
import { defaultTemplate } from "../../app/notices/default-templates.ts";
import { formatNoticeDate, formatNoticeMoney } from "../../app/notices/format-values.ts";
import { twilioSignatureOf, verifyTwilioSignature } from "../../app/notices/inbound-sms.server.ts";
import { NOTICE_CHANNELS, NOTICE_KINDS, NOTICE_LOCALES, pickLocale, variablesOf } from "../../app/notices/kinds.ts";
import { quietHoursEnd, startOfShopDay } from "../../app/notices/shop-time.ts";
import { signUnsubscribeToken, verifyUnsubscribeToken } from "../../app/notices/suppression.server.ts";
import {
  checkTemplate,
  renderHtmlBody,
  renderTemplate,
  TemplateError,
  variablesUsed,
} from "../../app/notices/template-language.ts";
import { twilioSignature } from "../../sandbox/sms/twilio.ts";

describe("template language", () => {
  it("fills variables, keeps optional parts only when the value is known", () => {
    const source = "Hi {{ name }}{{#if order}}, order {{order}}{{/if}}!";
    expect(renderTemplate(source, { name: "Emma", order: "#1" }, { mode: "text" })).toBe("Hi Emma, order #1!");
    expect(renderTemplate(source, { name: "Emma" }, { mode: "text" })).toBe("Hi Emma!");
    expect(variablesUsed(source).sort()).toEqual(["name", "order"]);
  });

  it("escapes HTML (template text and values) and links only http(s) URL variables", () => {
    const html = renderTemplate(
      "<b>{{name}}</b> {{link}} {{bad}}",
      { name: "<script>x</script>", link: "https://a.example/?a=1&b=2", bad: "javascript:alert(1)" },
      { mode: "html", types: { name: "text", link: "url", bad: "url" } },
    );
    expect(html).toBe(
      '&lt;b&gt;&lt;script&gt;x&lt;/script&gt;&lt;/b&gt; <a href="https://a.example/?a=1&amp;b=2">https://a.example/?a=1&amp;b=2</a> javascript:alert(1)',
    );
    expect(renderHtmlBody("a\n\nb\nc", {}, {})).toContain('<p style="margin:0 0 16px">b<br>\nc</p>');
  });

  it("{{#unless}} keeps its part only when the value is not known, and closes only with {{/unless}}", () => {
    const source = "{{#unless action}}Nothing to do.{{/unless}}{{#if action}}{{action}}{{/if}}";
    expect(renderTemplate(source, {}, { mode: "text" })).toBe("Nothing to do.");
    expect(renderTemplate(source, { action: "Reply." }, { mode: "text" })).toBe("Reply.");
    expect(renderTemplate(source, { action: "  " }, { mode: "text" })).toBe("Nothing to do.");
    expect(variablesUsed(source)).toEqual(["action"]);
    expect(checkTemplate("{{#unless reason}}x{{/if}}", variablesOf("delay"))).toContain("without a matching");
    expect(checkTemplate("{{#unless reason}}x", variablesOf("delay"))).toContain("{{#unless reason}} is never closed");
  });

  it("line mode flattens line breaks (subjects)", () => {
    expect(renderTemplate("About {{x}}", { x: "a\r\nBcc: b" }, { mode: "line" })).toBe("About a Bcc: b");
  });

  it("names unknown variables and explains syntax mistakes", () => {
    expect(checkTemplate("{{orderNumber}} {{customerName}}", variablesOf("delay"))).toMatch(
      /^Unknown variable \{\{orderNumber\}\}\. You can use: .*\{\{orderName\}\}/,
    );
    expect(checkTemplate("{{#if reason}}x", variablesOf("delay"))).toContain("never closed");
    expect(checkTemplate("x {{/if}}", variablesOf("delay"))).toContain("without a matching");
    expect(checkTemplate("{{ 1 + 1 }}", variablesOf("delay"))).toContain("not a variable");
    expect(() => renderTemplate("{{a", {}, { mode: "text" })).toThrow(TemplateError);
  });

  it("every built-in template is valid for its kind", () => {
    for (const kind of NOTICE_KINDS) {
      for (const locale of NOTICE_LOCALES) {
        for (const channel of NOTICE_CHANNELS) {
          const template = defaultTemplate(kind, locale, channel);
          expect(checkTemplate(template.body, variablesOf(kind)), `${kind}/${locale}/${channel}`).toBeNull();
          if (channel === "email") expect(checkTemplate(template.subject ?? "", variablesOf(kind))).toBeNull();
          expect(template.body).toContain("{{");
        }
      }
    }
  });
});

describe("locale and formatting", () => {
  it("customer, else order, else shop; other languages are English", () => {
    expect(pickLocale("ja-JP", "en", "en")).toBe("ja");
    expect(pickLocale(null, "ja", "en")).toBe("ja");
    expect(pickLocale(undefined, null, "ja")).toBe("ja");
    expect(pickLocale("fr", "ja")).toBe("en");
    expect(pickLocale()).toBe("en");
  });

  it("money from decimal strings without float rounding", () => {
    expect(formatNoticeMoney("4400", "JPY", "ja")).toBe("￥4,400");
    expect(formatNoticeMoney("19.99", "USD", "en")).toBe("$19.99");
    expect(formatNoticeMoney("12345678901234567.89", "USD", "en")).toBe("$12,345,678,901,234,567.89");
    expect(formatNoticeMoney("n/a", "USD", "en")).toBe("n/a");
  });

  it("dates for the locale; times in the shop's zone", () => {
    expect(formatNoticeDate("2026-12-03", "en", "Asia/Tokyo")).toBe("Thursday, December 3");
    expect(formatNoticeDate("2026-12-03", "ja", "Asia/Tokyo")).toBe("12月3日(木)");
    expect(formatNoticeDate("2026-12-03T01:30:00Z", "en", "Asia/Tokyo")).toBe("Thursday, December 3 at 10:30 AM");
    expect(formatNoticeDate("next week", "en", "Asia/Tokyo")).toBe("next week");
  });
});

describe("quiet hours", () => {
  it("end in the shop's time zone, across midnight", () => {
    // 22:00 and 02:00 in Tokyo → 08:00 the same next morning.
    expect(quietHoursEnd(new Date("2026-11-23T13:00:00Z"), "21:00", "08:00", "Asia/Tokyo")?.toISOString()).toBe(
      "2026-11-23T23:00:00.000Z",
    );
    expect(quietHoursEnd(new Date("2026-11-23T17:00:00Z"), "21:00", "08:00", "Asia/Tokyo")?.toISOString()).toBe(
      "2026-11-23T23:00:00.000Z",
    );
    expect(quietHoursEnd(new Date("2026-11-23T03:00:00Z"), "21:00", "08:00", "Asia/Tokyo")).toBeNull();
    // A window within one day, and a DST change in New York (8 March 2026).
    expect(quietHoursEnd(new Date("2026-11-23T13:30:00Z"), "13:00", "14:00", "UTC")?.toISOString()).toBe(
      "2026-11-23T14:00:00.000Z",
    );
    expect(quietHoursEnd(new Date("2026-03-08T04:00:00Z"), "21:00", "08:00", "America/New_York")?.toISOString()).toBe(
      "2026-03-08T12:00:00.000Z",
    );
    expect(quietHoursEnd(new Date("2026-11-23T13:00:00Z"), "08:00", "08:00", "Asia/Tokyo")).toBeNull();
  });

  it("the shop's day starts at local midnight", () => {
    expect(startOfShopDay(new Date("2026-11-23T16:00:00Z"), "Asia/Tokyo").toISOString()).toBe(
      "2026-11-23T15:00:00.000Z",
    );
  });
});

describe("signed unsubscribe tokens", () => {
  const claim = {
    shop: "a.myshopify.com",
    channel: "email" as const,
    address: "Emma@Example.com",
    kindClass: "marketing" as const,
  };

  it("verify with the secret and normalise the address", () => {
    expect(verifyUnsubscribeToken("s3cret", signUnsubscribeToken("s3cret", claim))).toEqual({
      ...claim,
      address: "emma@example.com",
    });
  });

  it("cannot be forged, altered or moved to another shop", () => {
    const token = signUnsubscribeToken("s3cret", claim);
    const [payload = "", signature = ""] = token.split(".");
    expect(verifyUnsubscribeToken("other", token)).toBeNull();
    const otherShop = Buffer.from(
      JSON.stringify(["b.myshopify.com", "email", "emma@example.com", "marketing"]),
    ).toString("base64url");
    expect(verifyUnsubscribeToken("s3cret", `${otherShop}.${signature}`)).toBeNull();
    expect(verifyUnsubscribeToken("s3cret", `${payload}.${signature.slice(0, -2)}AA`)).toBeNull();
    expect(verifyUnsubscribeToken("s3cret", payload)).toBeNull();
    expect(verifyUnsubscribeToken("s3cret", "")).toBeNull();
  });
});

describe("provider configuration and signatures", () => {
  it("X-Twilio-Signature matches the provider's algorithm", () => {
    const params = { From: "+819012345678", Body: "停止", To: "+15005550006", MessageSid: "SM1" };
    const url = "https://kizuna.example.com/notices/sms-inbound?shop=a.myshopify.com";
    const expected = twilioSignature("token", url, params);
    expect(twilioSignatureOf("token", url, new URLSearchParams(params))).toBe(expected);
    expect(verifyTwilioSignature("token", url, new URLSearchParams(params), expected)).toBe(true);
    expect(verifyTwilioSignature("token", url, new URLSearchParams({ ...params, Body: "START" }), expected)).toBe(
      false,
    );
    expect(verifyTwilioSignature("token", url, new URLSearchParams(params), null)).toBe(false);
  });
});
