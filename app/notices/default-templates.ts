// Kizuna's own templates, per kind, locale and channel: plain, warm, specific.
// A seller's edit (NoticeTemplate) replaces one of these. Client-safe.
import type { NoticeChannel, NoticeKind, NoticeLocale } from "./kinds.ts";

export interface TemplateText {
  /** Email only. */
  subject: string | null;
  body: string;
}

type Defaults = Record<NoticeKind, Record<NoticeLocale, { email: { subject: string; body: string }; sms: string }>>;

const DEFAULTS: Defaults = {
  delay: {
    en: {
      email: {
        subject: "Your order {{orderName}} is running late",
        body: `Hi {{customerName}},

We're sorry: your order {{orderName}} ({{items}}) is taking longer than we expected.

What happened: {{reason}}
{{#if newEstimate}}
We now expect it to arrive by {{newEstimate}}.
{{/if}}{{#if sellerMessage}}
{{sellerMessage}}
{{/if}}{{#if customerAction}}
{{customerAction}}
{{/if}}{{#unless customerAction}}{{#unless sellerMessage}}
You don't need to do anything — we're keeping an eye on it and will write again if anything changes.
{{/unless}}{{/unless}}{{#if trackingUrl}}
Track the parcel{{#if carrier}} with {{carrier}}{{/if}}: {{trackingUrl}}
{{/if}}{{#if orderStatusUrl}}
Your order's status page: {{orderStatusUrl}}
{{/if}}{{#if orderPageUrl}}
{{#button orderPageUrl}}See your order, ask for a refund or a return{{/button}}
{{/if}}
If you have a question, just reply to this email.

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, your order {{orderName}} is delayed. {{reason}}{{#if newEstimate}} New estimate: {{newEstimate}}.{{/if}}{{#if sellerMessage}} {{sellerMessage}}{{/if}}{{#if customerAction}} {{customerAction}}{{/if}}{{#if trackingUrl}} {{trackingUrl}}{{/if}}{{#unless trackingUrl}}{{#if orderStatusUrl}} {{orderStatusUrl}}{{/if}}{{/unless}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} のお届けが遅れています",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
ご注文 {{orderName}}（{{items}}）のお届けが、予定より遅れております。ご迷惑をおかけし申し訳ございません。

理由：{{reason}}
{{#if newEstimate}}
新しいお届け予定：{{newEstimate}}
{{/if}}{{#if sellerMessage}}
{{sellerMessage}}
{{/if}}{{#if customerAction}}
{{customerAction}}
{{/if}}{{#unless customerAction}}{{#unless sellerMessage}}
お客様の方でのお手続きは不要です。状況は引き続き確認し、変化があればまたご連絡いたします。
{{/unless}}{{/unless}}{{#if trackingUrl}}
配送状況の追跡{{#if carrier}}（{{carrier}}）{{/if}}：{{trackingUrl}}
{{/if}}{{#if orderStatusUrl}}
ご注文状況のページ：{{orderStatusUrl}}
{{/if}}{{#if orderPageUrl}}
{{#button orderPageUrl}}ご注文の確認・返金や返品のご依頼{{/button}}
{{/if}}
ご不明な点がございましたら、このメールにそのままご返信ください。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}のお届けが遅れています。{{reason}}{{#if newEstimate}} 新しいお届け予定：{{newEstimate}}{{/if}}{{#if sellerMessage}} {{sellerMessage}}{{/if}}{{#if customerAction}} {{customerAction}}{{/if}}{{#if trackingUrl}} {{trackingUrl}}{{/if}}{{#unless trackingUrl}}{{#if orderStatusUrl}} {{orderStatusUrl}}{{/if}}{{/unless}}",
    },
  },
  delay_resolved: {
    en: {
      email: {
        subject: "Good news about your order {{orderName}}",
        body: `Hi {{customerName}},

Good news: your order {{orderName}} ({{items}}) {{resolution}}.
{{#if orderStatusUrl}}
You can follow it here: {{orderStatusUrl}}
{{/if}}{{#if orderPageUrl}}
{{#button orderPageUrl}}See your order{{/button}}
{{/if}}
Thank you for your patience.

{{shopName}}`,
      },
      sms: "{{shopName}}: Good news, {{customerName}} — your order {{orderName}} {{resolution}}.{{#if orderStatusUrl}} {{orderStatusUrl}}{{/if}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} のお知らせ",
        body: `{{customerName}}様

{{shopName}}です。遅れていたご注文 {{orderName}}（{{items}}）は、{{resolution}}。
{{#if orderStatusUrl}}
配送状況：{{orderStatusUrl}}
{{/if}}{{#if orderPageUrl}}
{{#button orderPageUrl}}ご注文を確認する{{/button}}
{{/if}}
お待たせしてしまい申し訳ございませんでした。ご辛抱いただきありがとうございます。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}は{{resolution}}。{{#if orderStatusUrl}} {{orderStatusUrl}}{{/if}}",
    },
  },
  restock: {
    en: {
      email: {
        subject: "{{productTitle}} is back in stock",
        body: `Hi {{customerName}},

You asked us to let you know: {{productTitle}}{{#if variantTitle}} ({{variantTitle}}){{/if}} is back in stock.

{{#image productImageUrl}}{{productTitle}}{{/image}}
{{productTitle}}{{#if variantTitle}} — {{variantTitle}}{{/if}}
{{#if price}}{{price}}
{{/if}}{{#button productUrl}}Buy now{{/button}}

We only have a few, so it may sell out again.

{{shopName}}`,
      },
      sms: "{{shopName}}: {{productTitle}}{{#if variantTitle}} ({{variantTitle}}){{/if}} is back in stock — it may sell out again. {{productUrl}}",
    },
    ja: {
      email: {
        subject: "{{productTitle}} が再入荷しました",
        body: `{{customerName}}様

{{shopName}}です。お待ちいただいていた {{productTitle}}{{#if variantTitle}}（{{variantTitle}}）{{/if}} が再入荷しました。

{{#image productImageUrl}}{{productTitle}}{{/image}}
{{productTitle}}{{#if variantTitle}}（{{variantTitle}}）{{/if}}
{{#if price}}{{price}}
{{/if}}{{#button productUrl}}今すぐ購入{{/button}}

数に限りがあり、再び売り切れる場合がございます。お早めにどうぞ。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{productTitle}}{{#if variantTitle}}（{{variantTitle}}）{{/if}}が再入荷しました。売り切れる場合がございます。{{productUrl}}",
    },
  },
  restock_confirmation: {
    en: {
      email: {
        subject: "We'll tell you when {{productTitle}} is back",
        body: `Hi {{customerName}},

Thanks for your interest in {{productTitle}}{{#if variantTitle}} ({{variantTitle}}){{/if}}. We'll write to you once, as soon as it's back in stock.

{{shopName}}`,
      },
      sms: "{{shopName}}: We'll text you once when {{productTitle}} is back in stock. Reply STOP to opt out.",
    },
    ja: {
      email: {
        subject: "{{productTitle}} の再入荷をお知らせします",
        body: `{{customerName}}様

{{shopName}}です。{{productTitle}}{{#if variantTitle}}（{{variantTitle}}）{{/if}} の再入荷お知らせを承りました。入荷しましたら一度だけご連絡いたします。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{productTitle}}の再入荷時に一度だけお知らせします。停止はSTOPと返信してください。",
    },
  },
  order_shipped: {
    en: {
      email: {
        subject: "Your order {{orderName}} is on its way",
        body: `Hi {{customerName}},

Your order {{orderName}} ({{items}}) has shipped{{#if carrier}} with {{carrier}}{{/if}}.
{{#if trackingUrl}}
Track it here: {{trackingUrl}}
{{/if}}{{#if trackingNumber}}Tracking number: {{trackingNumber}}
{{/if}}
{{shopName}}`,
      },
      sms: "{{shopName}}: Your order {{orderName}} has shipped.{{#if trackingUrl}} Track it: {{trackingUrl}}{{/if}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} を発送しました",
        body: `{{customerName}}様

{{shopName}}です。ご注文 {{orderName}}（{{items}}）を{{#if carrier}}{{carrier}}にて{{/if}}発送いたしました。
{{#if trackingUrl}}
配送状況：{{trackingUrl}}
{{/if}}{{#if trackingNumber}}お問い合わせ番号：{{trackingNumber}}
{{/if}}
{{shopName}}`,
      },
      sms: "【{{shopName}}】ご注文{{orderName}}を発送しました。{{#if trackingUrl}}{{trackingUrl}}{{/if}}",
    },
  },
  order_out_for_delivery: {
    en: {
      email: {
        subject: "Your order {{orderName}} arrives today",
        body: `Hi {{customerName}},

Your order {{orderName}} is out for delivery{{#if carrier}} with {{carrier}}{{/if}} and should reach you today.
{{#if trackingUrl}}
{{trackingUrl}}
{{/if}}
{{shopName}}`,
      },
      sms: "{{shopName}}: Your order {{orderName}} is out for delivery today.{{#if trackingUrl}} {{trackingUrl}}{{/if}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} は本日お届け予定です",
        body: `{{customerName}}様

ご注文 {{orderName}} は{{#if carrier}}{{carrier}}にて{{/if}}配達中で、本日お届けの予定です。
{{#if trackingUrl}}
{{trackingUrl}}
{{/if}}
{{shopName}}`,
      },
      sms: "【{{shopName}}】ご注文{{orderName}}は本日お届け予定です。{{#if trackingUrl}}{{trackingUrl}}{{/if}}",
    },
  },
  order_delivered: {
    en: {
      email: {
        subject: "Your order {{orderName}} was delivered",
        body: `Hi {{customerName}},

Your order {{orderName}} ({{items}}) was delivered. We hope you enjoy it!

If anything isn't right, just reply to this email.

{{shopName}}`,
      },
      sms: "{{shopName}}: Your order {{orderName}} was delivered. Enjoy!",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} をお届けしました",
        body: `{{customerName}}様

ご注文 {{orderName}}（{{items}}）のお届けが完了しました。お楽しみいただけましたら幸いです。

何かございましたら、このメールにご返信ください。

{{shopName}}`,
      },
      sms: "【{{shopName}}】ご注文{{orderName}}のお届けが完了しました。",
    },
  },
  order_followup: {
    en: {
      email: {
        subject: "How is your order {{orderName}}?",
        body: `Hi {{customerName}},

It's been a few days since {{items}} arrived. How is everything?

If something isn't right, reply to this email and we'll sort it out. And if you're happy, we'd love to hear that too.

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, how is your order {{orderName}}? Reply to let us know.",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} はいかがでしたか",
        body: `{{customerName}}様

{{items}} をお届けしてから数日が経ちました。その後いかがでしょうか。

気になる点がございましたら、このメールにご返信ください。すぐに対応いたします。ご感想もお待ちしております。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}はいかがでしたか。ご感想をご返信ください。",
    },
  },
  return_requested: {
    en: {
      email: {
        subject: "We received your return request for {{orderName}}",
        body: `Hi {{customerName}},

Thank you — we received your return request for order {{orderName}}{{#if returnName}} (return {{returnName}}){{/if}}.
{{#if items}}
Items: {{items}}
{{/if}}{{#if returnChoice}}You asked for: {{returnChoice}}
{{/if}}{{#if nextStep}}
{{nextStep}}
{{/if}}
You can follow your return on your order page at any time.

{{#button orderPageUrl}}View your order{{/button}}

If you have a question, just reply to this email.

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, we received your return request for order {{orderName}}.{{#if nextStep}} {{nextStep}}{{/if}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} の返品リクエストを受け付けました",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
ご注文 {{orderName}}{{#if returnName}}（返品 {{returnName}}）{{/if}} の返品リクエストを受け付けました。
{{#if items}}
商品：{{items}}
{{/if}}{{#if returnChoice}}ご希望：{{returnChoice}}
{{/if}}{{#if nextStep}}
{{nextStep}}
{{/if}}
返品の状況は、ご注文ページからいつでもご確認いただけます。

{{#button orderPageUrl}}ご注文ページを見る{{/button}}

ご不明な点がございましたら、このメールにそのままご返信ください。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}の返品リクエストを受け付けました。{{#if nextStep}}{{nextStep}}{{/if}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
  },
  return_approved: {
    en: {
      email: {
        subject: "Your return for {{orderName}} is approved",
        body: `Hi {{customerName}},

Good news: your return for order {{orderName}}{{#if returnName}} (return {{returnName}}){{/if}} is approved.
{{#if items}}
Items: {{items}}
{{/if}}{{#if instructions}}
{{instructions}}
{{/if}}{{#if labelUrl}}
{{#button labelUrl}}Print your return label{{/button}}
{{/if}}{{#if trackingNumber}}Tracking number: {{trackingNumber}}
{{/if}}
Your order page shows every step of the return.

{{#button orderPageUrl}}View your order{{/button}}

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, your return for order {{orderName}} is approved.{{#if instructions}} {{instructions}}{{/if}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} の返品を承認しました",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
ご注文 {{orderName}}{{#if returnName}}（返品 {{returnName}}）{{/if}} の返品を承認いたしました。
{{#if items}}
商品：{{items}}
{{/if}}{{#if instructions}}
{{instructions}}
{{/if}}{{#if labelUrl}}
{{#button labelUrl}}返送ラベルを印刷する{{/button}}
{{/if}}{{#if trackingNumber}}お問い合わせ番号：{{trackingNumber}}
{{/if}}
返品の進み具合は、ご注文ページでご確認いただけます。

{{#button orderPageUrl}}ご注文ページを見る{{/button}}

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}の返品を承認しました。{{#if instructions}}{{instructions}}{{/if}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
  },
  return_declined: {
    en: {
      email: {
        subject: "About your return request for {{orderName}}",
        body: `Hi {{customerName}},

Thank you for your return request for order {{orderName}}{{#if returnName}} (return {{returnName}}){{/if}}. We're sorry, but we can't accept this return.
{{#if declineReason}}
Reason: {{declineReason}}
{{/if}}{{#if declineNote}}
A note from us: {{declineNote}}
{{/if}}
Your order page has the details.

{{#button orderPageUrl}}View your order{{/button}}

If you have a question or think this is a mistake, just reply to this email.

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, we're sorry, we can't accept the return for order {{orderName}}.{{#if declineReason}} {{declineReason}}{{/if}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} の返品リクエストについて",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
ご注文 {{orderName}}{{#if returnName}}（返品 {{returnName}}）{{/if}} の返品リクエストをいただきありがとうございました。誠に申し訳ございませんが、今回の返品はお受けすることができません。
{{#if declineReason}}
理由：{{declineReason}}
{{/if}}{{#if declineNote}}
ショップからのメッセージ：{{declineNote}}
{{/if}}
詳しくはご注文ページをご確認ください。

{{#button orderPageUrl}}ご注文ページを見る{{/button}}

ご不明な点がございましたら、このメールにそのままご返信ください。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、誠に申し訳ございませんが、ご注文{{orderName}}の返品はお受けできません。{{#if declineReason}}{{declineReason}}{{/if}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
  },
  return_label: {
    en: {
      email: {
        subject: "Your return label for {{orderName}}",
        body: `Hi {{customerName}},

Here is how to send back the items of order {{orderName}}{{#if returnName}} (return {{returnName}}){{/if}}.
{{#if items}}
Items: {{items}}
{{/if}}{{#if instructions}}
{{instructions}}
{{/if}}{{#if labelUrl}}
{{#button labelUrl}}Print your return label{{/button}}
{{/if}}{{#if trackingNumber}}Tracking number{{#if carrier}} ({{carrier}}){{/if}}: {{trackingNumber}}
{{/if}}{{#if trackingUrl}}{{#button trackingUrl}}Track the return{{/button}}
{{/if}}
We'll write again once the items arrive.

{{#button orderPageUrl}}View your order{{/button}}

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, your return label for order {{orderName}} is ready.{{#if labelUrl}} {{labelUrl}}{{/if}}{{#unless labelUrl}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}{{/unless}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} の返送ラベルをお送りします",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
ご注文 {{orderName}}{{#if returnName}}（返品 {{returnName}}）{{/if}} の商品の返送方法をご案内いたします。
{{#if items}}
商品：{{items}}
{{/if}}{{#if instructions}}
{{instructions}}
{{/if}}{{#if labelUrl}}
{{#button labelUrl}}返送ラベルを印刷する{{/button}}
{{/if}}{{#if trackingNumber}}お問い合わせ番号{{#if carrier}}（{{carrier}}）{{/if}}：{{trackingNumber}}
{{/if}}{{#if trackingUrl}}{{#button trackingUrl}}返送状況を確認する{{/button}}
{{/if}}
商品が届きましたら、あらためてご連絡いたします。

{{#button orderPageUrl}}ご注文ページを見る{{/button}}

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}の返送ラベルをご用意しました。{{#if labelUrl}}{{labelUrl}}{{/if}}{{#unless labelUrl}}{{#if orderPageUrl}}{{orderPageUrl}}{{/if}}{{/unless}}",
    },
  },
  refund_issued: {
    en: {
      email: {
        subject: "Your refund for {{orderName}}",
        body: `Hi {{customerName}},

We have refunded {{#if amount}}{{amount}}{{/if}}{{#unless amount}}your payment{{/unless}}{{#if refundMethod}} {{refundMethod}}{{/if}} for order {{orderName}}{{#if returnName}} (return {{returnName}}){{/if}}.

Depending on your bank or card, it can take a few days to show on your statement.

{{#button orderPageUrl}}View your order{{/button}}

If you have a question, just reply to this email.

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, we refunded {{#if amount}}{{amount}}{{/if}}{{#unless amount}}your payment{{/unless}} for order {{orderName}}.{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} のご返金について",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
ご注文 {{orderName}}{{#if returnName}}（返品 {{returnName}}）{{/if}} について、{{#if refundMethod}}{{refundMethod}}{{/if}}{{#if amount}}{{amount}}を{{/if}}ご返金いたしました。

カード会社や金融機関によっては、明細に反映されるまで数日かかる場合がございます。

{{#button orderPageUrl}}ご注文ページを見る{{/button}}

ご不明な点がございましたら、このメールにそのままご返信ください。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}について{{#if amount}}{{amount}}を{{/if}}ご返金いたしました。{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
  },
  store_credit_issued: {
    en: {
      email: {
        subject: "Your store credit for {{orderName}}",
        body: `Hi {{customerName}},

We have issued {{#if amount}}{{amount}} in {{/if}}store credit for your return of order {{orderName}}{{#if returnName}} (return {{returnName}}){{/if}}.

It is on your customer account and is used at checkout the next time you shop with us while signed in.

{{#button orderPageUrl}}View your order{{/button}}

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, we issued {{#if amount}}{{amount}} in {{/if}}store credit for order {{orderName}}.{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} のストアクレジットを発行しました",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
ご注文 {{orderName}}{{#if returnName}}（返品 {{returnName}}）{{/if}} の返品について、{{#if amount}}{{amount}}分の{{/if}}ストアクレジットを発行いたしました。

クレジットはお客様のアカウントに付与されており、次回ログインしてお買い物いただく際にお会計でご利用いただけます。

{{#button orderPageUrl}}ご注文ページを見る{{/button}}

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}について{{#if amount}}{{amount}}分の{{/if}}ストアクレジットを発行しました。{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
  },
  exchange_shipped: {
    en: {
      email: {
        subject: "Your exchange for {{orderName}} is on its way",
        body: `Hi {{customerName}},

The replacement for your return of order {{orderName}}{{#if returnName}} (return {{returnName}}){{/if}} has shipped{{#if carrier}} with {{carrier}}{{/if}}.
{{#if trackingNumber}}
Tracking number: {{trackingNumber}}
{{/if}}{{#if trackingUrl}}{{#button trackingUrl}}Track the parcel{{/button}}
{{/if}}
{{#button orderPageUrl}}View your order{{/button}}

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, your exchange for order {{orderName}} has shipped.{{#if trackingUrl}} {{trackingUrl}}{{/if}}{{#unless trackingUrl}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}{{/unless}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} の交換品を発送しました",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
ご注文 {{orderName}}{{#if returnName}}（返品 {{returnName}}）{{/if}} の交換品を{{#if carrier}}{{carrier}}にて{{/if}}発送いたしました。
{{#if trackingNumber}}
お問い合わせ番号：{{trackingNumber}}
{{/if}}{{#if trackingUrl}}{{#button trackingUrl}}配送状況を確認する{{/button}}
{{/if}}
{{#button orderPageUrl}}ご注文ページを見る{{/button}}

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}の交換品を発送しました。{{#if trackingUrl}}{{trackingUrl}}{{/if}}{{#unless trackingUrl}}{{#if orderPageUrl}}{{orderPageUrl}}{{/if}}{{/unless}}",
    },
  },
  order_cancelled: {
    en: {
      email: {
        subject: "Your order {{orderName}} has been cancelled",
        body: `Hi {{customerName}},

Your order {{orderName}}{{#if items}} ({{items}}){{/if}} has been cancelled.
{{#if amount}}
We have refunded {{amount}}{{#if refundMethod}} {{refundMethod}}{{/if}}. Depending on your bank or card, it can take a few days to show on your statement.
{{/if}}
{{#button orderPageUrl}}View your order{{/button}}

If you didn't expect this or have a question, just reply to this email.

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, your order {{orderName}} has been cancelled.{{#if amount}} Refund: {{amount}}.{{/if}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
    ja: {
      email: {
        subject: "ご注文 {{orderName}} のキャンセルが完了しました",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
ご注文 {{orderName}}{{#if items}}（{{items}}）{{/if}} のキャンセルが完了いたしました。
{{#if amount}}
{{#if refundMethod}}{{refundMethod}}{{/if}}{{amount}}をご返金いたしました。カード会社や金融機関によっては、明細に反映されるまで数日かかる場合がございます。
{{/if}}
{{#button orderPageUrl}}ご注文ページを見る{{/button}}

お心当たりのない場合やご不明な点がございましたら、このメールにそのままご返信ください。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、ご注文{{orderName}}のキャンセルが完了しました。{{#if amount}}ご返金：{{amount}}{{/if}}{{#if orderPageUrl}} {{orderPageUrl}}{{/if}}",
    },
  },
  survey: {
    en: {
      email: {
        subject: "Did we sort it out?",
        body: `Hi {{customerName}},

A few days ago we answered your message{{#if orderName}} about your order {{orderName}}{{/if}}. We hope everything is fine now.

How did we do? One click is enough:

{{#button rating5Url}}5 — Very happy{{/button}}
{{#button rating4Url}}4 — Happy{{/button}}
{{#button rating3Url}}3 — Okay{{/button}}
{{#button rating2Url}}2 — Not happy{{/button}}
{{#button rating1Url}}1 — Not happy at all{{/button}}

If something is still not right, just reply to this email and we'll pick it up again.

{{shopName}}`,
      },
      sms: "{{shopName}}: Hi {{customerName}}, did we sort it out? Tell us how we did (1-5): {{surveyUrl}}",
    },
    ja: {
      email: {
        subject: "その後いかがでしょうか",
        body: `{{customerName}}様

いつもありがとうございます。{{shopName}}です。
先日は{{#if orderName}}ご注文 {{orderName}} について{{/if}}お問い合わせいただき、ありがとうございました。その後、問題なくお過ごしでしょうか。

よろしければ、今回の対応についてお聞かせください。ワンクリックで送信できます。

{{#button rating5Url}}5 — とても満足{{/button}}
{{#button rating4Url}}4 — 満足{{/button}}
{{#button rating3Url}}3 — ふつう{{/button}}
{{#button rating2Url}}2 — 不満{{/button}}
{{#button rating1Url}}1 — とても不満{{/button}}

まだ解決していない点がございましたら、このメールにそのままご返信ください。あらためて対応いたします。

{{shopName}}`,
      },
      sms: "【{{shopName}}】{{customerName}}様、先日のお問い合わせの対応はいかがでしたか。5段階でお聞かせください：{{surveyUrl}}",
    },
  },
};

export function defaultTemplate(kind: NoticeKind, locale: NoticeLocale, channel: NoticeChannel): TemplateText {
  const entry = DEFAULTS[kind][locale];
  return channel === "email"
    ? { subject: entry.email.subject, body: entry.email.body }
    : { subject: null, body: entry.sms };
}
