import { describe, expect, it } from "vitest";
import { addBusinessDays, localDate, type BusinessCalendar } from "../../app/delays/calendar.ts";
import { isJapaneseHoliday, japaneseHolidays } from "../../app/delays/japanese-holidays.ts";

describe("Japanese public holidays", () => {
  it("computes 2026 exactly", () => {
    expect(japaneseHolidays(2026)).toEqual([
      { date: "2026-01-01", name: "元日" },
      { date: "2026-01-12", name: "成人の日" },
      { date: "2026-02-11", name: "建国記念の日" },
      { date: "2026-02-23", name: "天皇誕生日" },
      { date: "2026-03-20", name: "春分の日" },
      { date: "2026-04-29", name: "昭和の日" },
      { date: "2026-05-03", name: "憲法記念日" },
      { date: "2026-05-04", name: "みどりの日" },
      { date: "2026-05-05", name: "こどもの日" },
      { date: "2026-05-06", name: "振替休日" },
      { date: "2026-07-20", name: "海の日" },
      { date: "2026-08-11", name: "山の日" },
      { date: "2026-09-21", name: "敬老の日" },
      { date: "2026-09-22", name: "国民の休日" },
      { date: "2026-09-23", name: "秋分の日" },
      { date: "2026-10-12", name: "スポーツの日" },
      { date: "2026-11-03", name: "文化の日" },
      { date: "2026-11-23", name: "勤労感謝の日" },
    ]);
  });

  it("knows equinoxes and substitute holidays of other years", () => {
    expect(isJapaneseHoliday("2025-03-20")).toBe(true); // 春分の日
    expect(isJapaneseHoliday("2025-09-23")).toBe(true); // 秋分の日
    expect(isJapaneseHoliday("2025-11-24")).toBe(true); // 振替休日 (11/23 is a Sunday)
    expect(isJapaneseHoliday("2024-09-22")).toBe(true); // 秋分の日 on a Sunday…
    expect(isJapaneseHoliday("2024-09-23")).toBe(true); // …and its 振替休日
    expect(isJapaneseHoliday("2027-03-21")).toBe(true);
    expect(isJapaneseHoliday("2026-09-24")).toBe(false);
  });
});

describe("business days", () => {
  const calendar: BusinessCalendar = {
    timeZone: "Asia/Tokyo",
    weekendDays: new Set([0, 6]),
    holidays: new Set(["2026-12-29"]),
    preset: "jp",
  };
  it("skips weekends, the Japanese preset and the shop's own holidays", () => {
    // Fri 2026-09-18 + 2 business days: Sat, Sun, 21–23 are holidays → Thu 24, Fri 25.
    expect(addBusinessDays("2026-09-18", 2, calendar)).toBe("2026-09-25");
    expect(addBusinessDays("2026-12-28", 1, calendar)).toBe("2026-12-30");
    expect(addBusinessDays("2026-05-01", 1, calendar)).toBe("2026-05-07");
  });
  it("takes the date in the shop's time zone", () => {
    expect(localDate(new Date("2026-09-17T16:00:00Z"), "Asia/Tokyo")).toBe("2026-09-18");
    expect(localDate(new Date("2026-09-17T16:00:00Z"), "America/New_York")).toBe("2026-09-17");
  });
});
