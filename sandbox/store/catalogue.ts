// Locations, products with their variants, and stock per location.
import { StoreError } from "./errors.ts";
import { levelKey, type ShopData } from "./shop-data.ts";
import type { Decimal, Id, InventoryLevel, Location, Product, ProductStatus, Variant } from "./types.ts";

export interface NewLocation {
  name: string;
  address: Location["address"];
  at?: Date;
}

export function addLocation(data: ShopData, input: NewLocation): Location {
  const at = input.at ?? data.now();
  const location: Location = {
    id: data.nextId("location"),
    name: input.name,
    address: input.address,
    isActive: true,
    createdAt: at,
    updatedAt: at,
  };
  data.locations.set(location.id, location);
  return location;
}

export interface NewVariant {
  /** Omit for a product without options ("Default Title"). */
  title?: string;
  sku: string | null;
  price: Decimal;
  compareAtPrice?: Decimal | null;
  /** Available quantity per location id; a location left out does not stock the variant. */
  stock: Record<Id, number>;
}

export interface NewProduct {
  title: string;
  handle?: string;
  vendor: string;
  productType: string;
  descriptionHtml?: string;
  tags?: string[];
  status?: ProductStatus;
  variants: NewVariant[];
  at?: Date;
}

function handleOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function addProduct(data: ShopData, input: NewProduct): { product: Product; variants: Variant[] } {
  const at = input.at ?? data.now();
  const product: Product = {
    id: data.nextId("product"),
    title: input.title,
    handle: input.handle ?? handleOf(input.title),
    status: input.status ?? "ACTIVE",
    vendor: input.vendor,
    productType: input.productType,
    descriptionHtml: input.descriptionHtml ?? "",
    tags: input.tags ?? [],
    createdAt: at,
    updatedAt: at,
    publishedAt: input.status === "DRAFT" ? null : at,
  };
  data.products.set(product.id, product);
  const variants = input.variants.map((variant, index) => addVariant(data, product, variant, index + 1, at));
  return { product, variants };
}

function addVariant(data: ShopData, product: Product, input: NewVariant, position: number, at: Date): Variant {
  const variant: Variant = {
    id: data.nextId("variant"),
    productId: product.id,
    title: input.title ?? "Default Title",
    sku: input.sku,
    price: input.price,
    compareAtPrice: input.compareAtPrice ?? null,
    position,
    inventoryItemId: data.nextId("inventoryItem"),
    createdAt: at,
    updatedAt: at,
  };
  data.variants.set(variant.id, variant);
  data.inventoryItems.set(variant.inventoryItemId, {
    id: variant.inventoryItemId,
    variantId: variant.id,
    tracked: true,
    requiresShipping: true,
    createdAt: at,
    updatedAt: at,
  });
  for (const [locationId, available] of Object.entries(input.stock)) {
    data.requireLocation(locationId);
    const level: InventoryLevel = {
      inventoryItemId: variant.inventoryItemId,
      locationId,
      available,
      createdAt: at,
      updatedAt: at,
    };
    data.inventoryLevels.set(levelKey(variant.inventoryItemId, locationId), level);
  }
  return variant;
}

export interface InventoryChange {
  inventoryItemId: Id;
  locationId: Id;
  delta: number;
  /** Compare-and-set: the change applies only if the quantity is still this. */
  changeFromQuantity?: number | null;
}

export interface AppliedChange {
  level: InventoryLevel;
  delta: number;
  quantityAfterChange: number;
}

/** Adjusts available stock. All changes are checked before any applies: no partial writes. */
export function adjustInventory(data: ShopData, changes: readonly InventoryChange[], at = data.now()): AppliedChange[] {
  const levels = changes.map((change, index) => levelFor(data, change, ["changes", String(index)]));
  return changes.map((change, index) => {
    const level = levels[index] as InventoryLevel;
    level.available += change.delta;
    touchStock(data, level, at);
    return { level, delta: change.delta, quantityAfterChange: level.available };
  });
}

function levelFor(data: ShopData, change: InventoryChange, field: string[]): InventoryLevel {
  if (!data.inventoryItems.has(change.inventoryItemId)) {
    throw new StoreError(
      "The specified inventory item could not be found.",
      [...field, "inventoryItemId"],
      "INVALID_INVENTORY_ITEM",
    );
  }
  if (!data.locations.has(change.locationId)) {
    throw new StoreError("The specified location could not be found.", [...field, "locationId"], "INVALID_LOCATION");
  }
  const level = data.level(change.inventoryItemId, change.locationId);
  if (!level) {
    throw new StoreError(
      "The specified inventory item is not stocked at the location.",
      [...field, "locationId"],
      "ITEM_NOT_STOCKED_AT_LOCATION",
    );
  }
  if (change.changeFromQuantity != null && change.changeFromQuantity !== level.available) {
    throw new StoreError(
      `The quantity has changed since it was read (expected ${change.changeFromQuantity}, found ${level.available}).`,
      [...field, "changeFromQuantity"],
      "CHANGE_FROM_QUANTITY_STALE",
    );
  }
  return level;
}

/** A stock change also changes the variant's inventory_quantity, so the variant and its product are updated too. */
function touchStock(data: ShopData, level: InventoryLevel, at: Date): void {
  level.updatedAt = at;
  const item = data.inventoryItems.get(level.inventoryItemId);
  if (item) item.updatedAt = at;
  const variant = data.variantOfItem(level.inventoryItemId);
  if (!variant) return;
  variant.updatedAt = at;
  const product = data.products.get(variant.productId);
  if (product) product.updatedAt = at;
}
