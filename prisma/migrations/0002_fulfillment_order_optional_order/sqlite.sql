-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_FulfillmentOrder" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT,
    "status" TEXT NOT NULL,
    "holds" TEXT NOT NULL DEFAULT '[]',
    "shopifyUpdatedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);
INSERT INTO "new_FulfillmentOrder" ("holds", "id", "orderId", "shop", "shopifyUpdatedAt", "status", "updatedAt") SELECT "holds", "id", "orderId", "shop", "shopifyUpdatedAt", "status", "updatedAt" FROM "FulfillmentOrder";
DROP TABLE "FulfillmentOrder";
ALTER TABLE "new_FulfillmentOrder" RENAME TO "FulfillmentOrder";
CREATE INDEX "FulfillmentOrder_shop_orderId_idx" ON "FulfillmentOrder"("shop", "orderId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

