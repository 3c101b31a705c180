-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "domain" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT,
    "email" TEXT,
    "currency" TEXT,
    "timezone" TEXT,
    "locale" TEXT,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "scopes" TEXT,
    "syncStatus" TEXT NOT NULL DEFAULT 'idle',
    "syncStartedAt" DATETIME,
    "syncedAt" DATETIME,
    "syncSummary" TEXT,
    "syncError" TEXT,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("currency", "domain", "email", "installedAt", "locale", "name", "scopes", "timezone", "uninstalledAt", "updatedAt") SELECT "currency", "domain", "email", "installedAt", "locale", "name", "scopes", "timezone", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

