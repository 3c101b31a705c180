// customers/redact for the inbox: the customer's contacts (found by their
// Shopify customer id, emails and phones) lose their name and identities, and
// every message of their conversations its text, HTML, addresses, original and
// attachment bytes. Rows, counts and timestamps stay, so the seller's numbers
// (response times, exchanges) still add up.
import type { Tx } from "../mirror/write.server.ts";

export interface InboxFootprint {
  customerIds: string[];
  emails: string[];
  phones: string[];
}

export async function redactInboxContacts(
  tx: Tx,
  shop: string,
  footprint: InboxFootprint,
  at: Date,
): Promise<number[]> {
  const emails = footprint.emails.map((email) => email.trim().toLowerCase());
  const phones = footprint.phones.map((phone) => phone.replace(/[\s\-().]/g, ""));
  const or = [
    ...(footprint.customerIds.length ? [{ kind: "shopify_customer", value: { in: footprint.customerIds } }] : []),
    ...(emails.length ? [{ kind: "email", value: { in: emails } }] : []),
    ...(phones.length ? [{ kind: "phone", value: { in: phones } }] : []),
  ];
  if (or.length === 0) return [];
  const found = await tx.contactIdentity.findMany({ where: { shop, OR: or }, select: { contactId: true } });
  let ids = [...new Set(found.map((row) => row.contactId))];
  if (ids.length === 0) return [];
  // Contacts merged into theirs are theirs too.
  const merged = await tx.contact.findMany({ where: { shop, mergedInto: { in: ids } }, select: { id: true } });
  ids = [...new Set([...ids, ...merged.map((row) => row.id)])];

  await tx.contact.updateMany({ where: { shop, id: { in: ids }, redactedAt: null }, data: { redactedAt: at } });
  await tx.contact.updateMany({ where: { shop, id: { in: ids } }, data: { name: null } });
  await tx.contactIdentity.deleteMany({ where: { shop, contactId: { in: ids } } });
  const conversations = await tx.conversation.findMany({
    where: { shop, contactId: { in: ids } },
    select: { id: true },
  });
  const conversationIds = conversations.map((row) => row.id);
  await tx.conversation.updateMany({
    where: { shop, id: { in: conversationIds } },
    data: { subject: null, searchText: null, etsyUrl: null },
  });
  const messages = await tx.message.findMany({
    where: { shop, conversationId: { in: conversationIds } },
    select: { id: true },
  });
  const messageIds = messages.map((row) => row.id);
  await tx.message.updateMany({
    where: { shop, id: { in: messageIds } },
    data: {
      text: "",
      fullText: null,
      html: null,
      subject: null,
      fromAddress: null,
      fromName: null,
      toAddress: null,
    },
  });
  await tx.messageOriginal.deleteMany({ where: { shop, messageId: { in: messageIds } } });
  await tx.messageAttachment.updateMany({
    where: { shop, messageId: { in: messageIds } },
    data: { data: null, filename: null },
  });
  await tx.satisfactionSurvey.updateMany({ where: { shop, contactId: { in: ids } }, data: { comment: null } });
  return ids;
}
