// Phone numbers to E.164. Shoppers type Japanese numbers domestically
// (090-1234-5678, ０９０…): a leading 0 becomes +81. Anything else must carry
// its country code (+44…, 0044…). No library: the rules we need are these.
const E164 = /^\+[1-9]\d{7,14}$/;

/** The E.164 form of `input`, or null when it is not a usable phone number. */
export function toE164(input: string): string | null {
  const text = input.normalize("NFKC").trim();
  if (!/^[+\d\s().-]+$/.test(text)) return null;
  const plus = text.startsWith("+");
  const digits = text.replace(/\D/g, "");
  let e164: string;
  if (plus) e164 = `+${digits}`;
  else if (digits.startsWith("00")) e164 = `+${digits.slice(2)}`;
  // Japanese domestic numbers: 0 + 9 or 10 digits (landline / mobile, 050, 0120 …).
  else if (/^0\d{9,10}$/.test(digits)) e164 = `+81${digits.slice(1)}`;
  else return null;
  return E164.test(e164) ? e164 : null;
}
