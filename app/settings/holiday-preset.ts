// Which public holidays count as days off when the seller has not chosen:
// Japan's for a shop in Japan, none elsewhere. Read the same way by the
// Settings page and by the delay scan's business calendar, so they agree.
//
// The Shop row keeps no country (the Admin API's shopAddress.countryCodeV2 is
// not stored), so a shop is taken to be in Japan by its time zone, and by its
// currency only when the time zone is not known yet.

export type HolidayPreset = "jp" | null;

/** What a settings row stores: "jp", "none" (the seller chose no holidays), or null (not chosen). */
export type StoredHolidayPreset = string | null | undefined;

const JAPAN_TIME_ZONES = new Set(["Asia/Tokyo", "Japan"]);

/** The preset of a shop that has not chosen one. */
export function defaultHolidayPreset(
  shop: { timezone?: string | null; currency?: string | null } | null,
): HolidayPreset {
  if (!shop) return null;
  if (shop.timezone) return JAPAN_TIME_ZONES.has(shop.timezone) ? "jp" : null;
  return shop.currency === "JPY" ? "jp" : null;
}

/** Whether the stored value is the seller's choice (then the shop's country does not matter). */
export function holidayPresetChosen(stored: StoredHolidayPreset): boolean {
  return stored === "jp" || stored === "none";
}

/** The preset in force: the seller's choice, else the shop's default. */
export function holidayPresetOf(
  stored: StoredHolidayPreset,
  shop: { timezone?: string | null; currency?: string | null } | null,
): HolidayPreset {
  if (stored === "jp") return "jp";
  if (stored === "none") return null;
  return defaultHolidayPreset(shop);
}
