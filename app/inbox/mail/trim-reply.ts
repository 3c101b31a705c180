// The reply alone, for display: the quoted history, the forwarded original and
// the signature are cut off (the full text is kept beside it). One pass over
// the lines; every test looks at one line or a window of a few, so time is
// linear in the text whatever it holds. Client-safe: no server imports.

// How clients end the line that introduces a quote ("On … wrote:"), in the
// languages our sellers' customers write in. A colon is required (or the
// dashes Zoho puts around it) so "I wrote" ending a sentence is no header.
const WROTE_END =
  /(?:\bwrote|\bwrites|a écrit|\bschrieb|geschrieben|escribió|escribio|ha scritto|scrisse|schreef|napisał\(a\)|napisał|napisała|napisal|skrev(?: følgende)?|escreveu|написал\(а\)|написала|написал|написав\(ла\)|написав|пишет|пише|写道|寫道|のメッセージ|のメール|さんは書きました|は書きました|書きました|작성|yazdı|napsal\(a\)|napsal|kirjoitti|írta|έγραψε)\s*(?:[:：]|-{2,})\s*$/iu;

// How such a header line begins (a date, "On", its translations, a weekday).
const HEADER_START =
  /^\s*(?:-{2,}\s*)?(?:On\b|Le\b|Am\b|El\b|Il\b|Op\b|Dnia\b|W dniu\b|Den\b|Em\b|No dia\b|På\b|At\b|Às\b|Quoting\b|Zitat von\b|Citando\b|В\b|在|\d|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|(?:понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|lunes|martes|miércoles|jueves|viernes|sábado|domingo|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche))/iu;

// Japanese Gmail without "のメッセージ": "2026年12月1日(火) 10:00 山田 <a@b>:".
const JAPANESE_DATE_HEADER = /^\s*\d{4}[年/.-]\s*\d{1,2}[月/.-]\s*\d{1,2}.*@.*[:：]\s*$/u;

const EMAIL_COLON_END = /@[^\s<>]+>?\s*[:：]\s*$/;

// "-----Original Message-----" and its translations.
const ORIGINAL_MESSAGE =
  /^[\s*>]*-{2,}\s*(?:Original Message|Original Messages|Ursprüngliche Nachricht|Originalnachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Originalmeddelande|Opprinnelig melding|Oprindelig meddelelse|Исходное сообщение|Wiadomość oryginalna|Mensagem original|Reply message|元のメッセージ|原始邮件|原始郵件)\s*-{2,}\s*\**\s*$/iu;

// The marker above a forwarded mail.
const FORWARD_MARKER =
  /^[\s>]*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Doorgestuurd bericht|Videresendt melding|Vidarebefordrat meddelande|Пересылаемое сообщение|転送されたメッセージ|転送メッセージ)\s*-{2,}|Begin forwarded message:|Anfang der weitergeleiteten Nachricht:|Début du message réexpédié\s*:|Inicio del mensaje reenviado:|転送されたメッセージ[:：]|以下は転送されたメッセージです[:：]?)\s*$/iu;

const MOBILE_SIGNATURE =
  /^\s*[(<[]*\s*(?:sent (?:with|via|by|using)\b|envoyé (?:de|depuis)\b|enviado (?:desde|do|de)\b|inviato da\b|verzonden (?:met|vanaf|van)\b|von meinem\b|gesendet (?:von|mit)\b|diese nachricht wurde von meinem\b|skickat från\b|sendt fra\b|wysłane z\b|отправлено (?:с|из)\b|надіслано з\b|from my (?:iphone|ipad|android|mobile|samsung|galaxy|phone|blackberry)|get (?:\[?outlook|the outlook)|從我的|从我的|送信元[:：]|(?:iphone|ipad|android|galaxy|xperia|aquos|docomo|ドコモ|au|softbank|ソフトバンク|outlook|gmail|yahoo)[^。\n]{0,30}(?:から|より)送信|.{0,40}から送信(?:しました)?\s*$|[\p{L} ]{0,30}\bfrom (?:my )?mobile\s*$|.{0,30}(?:for|の)\s*(?:ios|android).{0,10}を入手)/iu;

// "Sent from my iPhone" is a signature; "Sent from my desk, is much easier" is not:
// the words after it name a device, or are a short name ending the line.
const SENT_FROM = /^\s*[(<[]*\s*sent from\s+(?:my\s+)?([^,.;!?(<>[\]]*)(.*)$/i;
const DEVICE =
  /\b(?:iphone|ipad|ipod|android|mobile|phone|cell|blackberry|galaxy|samsung|pixel|htc|device|tablet|windows|mail|mailbox|outlook|yahoo|gmail|pc|mac)\b/i;
function isSentFrom(line: string): boolean {
  const match = SENT_FROM.exec(line);
  if (!match) return false;
  const phrase = (match[1] ?? "").trim();
  const rest = (match[2] ?? "").trim();
  if (DEVICE.test(phrase)) return true;
  // "Sent from [Mail](https://…) for Windows 10"
  if (phrase === "" && DEVICE.test(rest.replace(/\([^)]*\)|<[^>]*>/g, ""))) return true;
  return phrase.split(/\s+/).length <= 3 && (rest === "" || /^[.!)>\]]*$/.test(rest) || /^<?https?:\/\//.test(rest));
}

// Tracking pixels' invisible characters Gmail extensions leave on a line.
const INVISIBLE = /^(?:\s|\u1427|\u200b|\u200c|\u200d|\ufeff)*$/u;
// Where "-- " (and the rules Outlook and others draw) end the reply.
const DELIMITER = /^\s*(?:-{2,}|_{3,}|—)\s*$/;
const QUOTE = /^\s*(?:[A-Z]{1,2})?>/;
// A wrote-word anywhere in a line ("Am 03.02.2016 schrieb X <a@b>:").
const WROTE_WORD =
  /(?:\bwrote\b|a écrit|\bschrieb\b|escribió|ha scritto|schreef|napisał|skrev|escreveu|написал|написав|пише|写道|寫道|のメッセージ|のメール|書きました)/iu;
const WROTE_ON = /\b(?:schrieb am|wrote on|a écrit le|escribió el)\b/i;
// Gmail's older header: "2016-10-24 15:36 GMT+02:00 Name <a@b>:", "2013/7/20 Name <a@b>".
const DATE_LED =
  /^\s*\d{4}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2}日?(?:\s*[(（][^)）]{1,6}[)）])?[\s,、]+(?:\d{1,2}[:：]\d{2}\b.*\S|.*(?:@|GMT))/u;
const EMAIL_HEADER =
  /^[\s*]*(?:From|Sent|To|Cc|Bcc|Subject|Date|Reply-To|Von|Gesendet|An|Betreff|Datum|De|Envoyé|À|Objet|Enviado|Para|Asunto|Fecha|Da|Data|Inviato|A|Oggetto|Risposta|Rispondi a|Antwort an|Répondre à|Responder a|Van|Verzonden|Aan|Onderwerp|Od|Wysłano|Do|Temat|Från|Skickat|Till|Ämne|Fra|Sendt|Til|Emne|От|Отправлено|Кому|Тема|Дата|Від|Надіслано|差出人|送信者|送信日時|日付|日時|宛先|件名|发件人|发送时间|收件人|主题|寄件者|寄件日期|收件者|主旨)\s*\**\s*[:：]/iu;

// One letter per line: e empty, d delimiter, s mobile signature, b quote
// header or forward marker, h header field of an embedded mail, q quote, t text.
type LineClass = "e" | "d" | "s" | "b" | "h" | "q" | "t";

const isQuote = (line: string) => QUOTE.test(line);
const isBlank = (line: string) => INVISIBLE.test(line);
const endsWithColon = (line: string) => /[:：]\s*$/.test(line);

function classify(lines: string[]): { classes: LineClass[]; forwardAt: number } {
  const classes: LineClass[] = new Array<LineClass>(lines.length);
  let forwardAt = -1;
  const mark = (from: number, to: number) => {
    for (let k = Math.max(0, from); k <= to && k < lines.length; k++) classes[k] = "b";
  };
  for (let i = 0; i < lines.length; i++) {
    if (classes[i] === "b") continue;
    const line = lines[i] ?? "";
    if (isBlank(line)) classes[i] = "e";
    else if (line.length > 1000) classes[i] = isQuote(line) ? "q" : "t";
    else if (FORWARD_MARKER.test(line)) {
      classes[i] = "b";
      if (forwardAt < 0) forwardAt = i;
    } else if (DELIMITER.test(line)) classes[i] = "d";
    else if (line.length < 160 && (MOBILE_SIGNATURE.test(line) || isSentFrom(line))) classes[i] = "s";
    else if (ORIGINAL_MESSAGE.test(line)) classes[i] = "b";
    else if (isQuote(line)) {
      classes[i] = "q";
      // "> wrote:" / ">:" closing a header wrapped by the client
      const start = line.length <= 40 ? headerStartEndingAt(lines, classes, i) : null;
      if (start !== null && start < i) mark(start, i);
    } else {
      const start = headerStartEndingAt(lines, classes, i);
      if (start !== null) mark(start, i);
      else if (WROTE_ON.test(line) || DATE_LED.test(line)) {
        // the header goes on until its closing colon, within two lines
        let end = i;
        for (let k = i; k < lines.length && k <= i + 2; k++) {
          if (endsWithColon(lines[k] ?? "")) {
            end = k;
            break;
          }
        }
        if (end > i || endsWithColon(line) || DATE_LED.test(line)) mark(i, end);
        else classes[i] = "t";
      } else classes[i] = EMAIL_HEADER.test(line) ? "h" : "t";
    }
  }
  // A lone "Subject:" line is the customer's text; a run of them is an embedded mail's header
  for (let i = 0; i < classes.length; i++) {
    if (classes[i] !== "h") continue;
    let end = i;
    while (
      end + 1 < classes.length &&
      (classes[end + 1] === "h" || (classes[end + 1] === "t" && classes[end + 2] === "h"))
    )
      end++;
    if (end === i) classes[i] = "t";
    else for (let k = i; k <= end; k++) classes[k] = "h";
    i = end;
  }
  return { classes, forwardAt };
}

/** When line i closes a quote header ("… wrote:"), the line the header starts on. */
function headerStartEndingAt(lines: string[], classes: LineClass[], i: number): number | null {
  const raw = lines[i] ?? "";
  const line = isQuote(raw) ? raw.replace(QUOTE, "") : raw;
  // "… wrote:", or a dated line closing on the sender's address ("26.06.2014, 14:41, "A" <a@b>:")
  const closes =
    WROTE_END.test(line) ||
    JAPANESE_DATE_HEADER.test(line) ||
    (EMAIL_COLON_END.test(line) && /^\s*(?:\d|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b)/i.test(line));
  if (!closes && !endsWithColon(line)) return null;
  if (!isQuote(raw) && HEADER_START.test(line) && (closes || WROTE_WORD.test(line))) return i;
  // wrapped: the header's first line is a few lines up ("On …, Name <" / "a@b> wrote:");
  // only a line closing with a wrote-word may reach across blank lines to it
  for (let j = i - 1; j >= 0 && j >= i - (closes ? 6 : 2); j--) {
    const previous = lines[j] ?? "";
    if (isQuote(previous) || classes[j] === "b") break;
    if (!closes && isBlank(previous)) break;
    if (HEADER_START.test(previous) && previous.length < 300) {
      const joined = lines.slice(j, i + 1).join(" ");
      if (closes || WROTE_WORD.test(joined)) return j;
      return null;
    }
    if (!isBlank(previous) && previous.length > 120) break;
  }
  return closes && !isQuote(raw) ? i : null;
}

function lastIndexOf(classes: LineClass[], wanted: LineClass, before = classes.length): number {
  for (let k = before - 1; k >= 0; k--) if (classes[k] === wanted) return k;
  return -1;
}

/** The index of the last non-empty line before `index`, or -1. */
function previousNonEmpty(classes: LineClass[], index: number): number {
  let k = index - 1;
  while (k >= 0 && classes[k] === "e") k--;
  return k;
}

function trimLines(lines: string[], classes: LineClass[]): string[] {
  // everything after the first delimiter is signature or history
  let end = classes.indexOf("d");
  if (end < 0) end = classes.length;
  let kept: number[] = [];
  for (let k = 0; k < end; k++) if (classes[k] !== "s") kept.push(k);
  let P = kept.map((k) => classes[k] as LineClass);

  const keepUpTo = (index: number) => {
    kept = kept.slice(0, index + 1);
    P = P.slice(0, index + 1);
  };
  const drop = (wanted: LineClass) => {
    const next: number[] = [];
    const nextP: LineClass[] = [];
    P.forEach((c, k) => {
      if (c !== wanted) {
        next.push(kept[k] as number);
        nextP.push(c);
      }
    });
    kept = next;
    P = nextP;
  };

  // The reply is below the quote (bottom-posting): keep the text at the end.
  if (P[0] === "b") {
    let lastOther = P.length - 1;
    while (lastOther >= 0 && (P[lastOther] === "t" || P[lastOther] === "e")) lastOther--;
    const prefixHasText = P.slice(0, lastOther + 1).includes("t");
    const firstText = P.indexOf("t", lastOther + 1);
    if (!prefixHasText && firstText >= 0 && lastOther >= 1) {
      kept = kept.slice(firstText);
      P = P.slice(firstText);
    }
  }

  // A quote header after some text and with no quote below it: the history is unquoted.
  const lastQuote = lastIndexOf(P, "q");
  for (let k = lastQuote + 1; k < P.length; k++) {
    if (P[k] !== "b") continue;
    const before = previousNonEmpty(P, k);
    if (before >= 0 && P[before] === "t") {
      keepUpTo(before);
      break;
    }
  }

  // A quote header followed by the quote and a little text: the text is the quoted mail's.
  {
    let suffix = P.length;
    let texts = 0;
    while (suffix > 0 && (P[suffix - 1] === "t" || P[suffix - 1] === "e")) {
      suffix--;
      if (P[suffix] === "t") texts++;
    }
    let run = suffix;
    while (run > 0 && P[run - 1] !== "t") run--;
    let first = run;
    while (first < suffix && P[first] === "e") first++;
    if (run > 0 && first < suffix && P[first] === "b" && texts < 7) keepUpTo(run - 1);
  }

  // Text then quotes to the end: the quotes are history.
  {
    let run = P.length;
    while (run > 0 && (P[run - 1] === "q" || P[run - 1] === "b" || P[run - 1] === "e")) run--;
    if (run < P.length && run > 0 && P[run - 1] === "t") keepUpTo(run - 1);
  }

  drop("b");

  // Three header fields in a row after text: an embedded mail starts there.
  for (let k = 0; k + 2 < P.length; k++) {
    if (P[k] === "h" && P[k + 1] === "h" && P[k + 2] === "h") {
      let before = k - 1;
      while (before >= 0 && (P[before] === "e" || P[before] === "q")) before--;
      if (before >= 0 && P[before] === "t") {
        keepUpTo(before);
        break;
      }
    }
  }
  drop("h");

  let last = P.length;
  while (last > 0 && (P[last - 1] === "q" || P[last - 1] === "e")) last--;
  return kept.slice(0, last).map((k) => lines[k] ?? "");
}

function joinTrimmed(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start] ?? "")) start++;
  while (end > start && isBlank(lines[end - 1] ?? "")) end--;
  return lines
    .slice(start, end)
    .map((line) => line.trimEnd())
    .join("\n");
}

/** The first line after a forwarded mail's header block (From:, Date:, Subject:, To:). */
function skipHeaderBlock(lines: string[], from: number): number {
  let j = from;
  while (j < lines.length && isBlank(lines[j] ?? "")) j++;
  let seen = false;
  while (j < lines.length) {
    const line = (lines[j] ?? "").replace(/^\s*>\s?/, "");
    if (EMAIL_HEADER.test(line)) {
      seen = true;
      j++;
      continue;
    }
    if (isBlank(line) || !seen) break;
    // a header value wrapped onto the next line ("Subject: … that\nspans over 2 lines")
    j++;
  }
  return j;
}

/** The reply alone: quoted history, forwarded originals and signatures trimmed. */
export function trimReply(text: string): string {
  return trim(text, 0);
}

function trim(text: string, depth: number): string {
  const lines = (text.indexOf("\r") < 0 ? text : text.replace(/\r\n?/g, "\n")).split("\n");
  const { classes, forwardAt } = classify(lines);
  // A bare forward (nothing written above the marker) shows what was forwarded.
  if (depth < 3 && forwardAt >= 0 && classes.slice(0, forwardAt).every((c) => c === "e")) {
    const body = lines.slice(skipHeaderBlock(lines, forwardAt + 1)).map((line) => line.replace(/^\s*> ?/, ""));
    const forwarded = trim(joinTrimmed(body), depth + 1);
    if (forwarded !== "") return forwarded;
  }
  const reply = joinTrimmed(trimLines(lines, classes));
  // A mail that is all quote (or all signature) shows as it came rather than as nothing.
  return reply !== "" ? reply : joinTrimmed(lines);
}
