// The choices the Analytics page offers, shared by the page and the server. Client-safe.

/** "Last N days" periods. */
export const PERIOD_CHOICES = [7, 30, 90, 365] as const;
/** The holdout never keeps more than half the delay cases untold. */
export const HOLDOUT_MAX_PERCENT = 50;
export const SELF_HELP_TOPICS = ["shipping", "returns", "sizes", "customs", "payment", "other"] as const;
export type SelfHelpTopic = (typeof SELF_HELP_TOPICS)[number];
export const SELF_HELP_LOCALES = ["ja", "en"] as const;
