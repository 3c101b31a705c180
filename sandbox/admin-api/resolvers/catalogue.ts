// Products, variants, inventory items, stock levels and locations.
import {
  derive,
  gid,
  inventoryLevelGid,
  type InventoryItem,
  type InventoryLevel,
  type Location,
  type Product,
  type Variant,
} from "../../store/index.ts";
import { byId, connection, encodeCursor, type ListSpec } from "./connection.ts";
import { count, money, type FieldMap, type ResolverContext } from "./define.ts";

export const PRODUCT_LIST: ListSpec<Product> = {
  id: (product) => product.id,
  search: {
    default: (product) => product.title,
    id: (product) => product.id,
    title: (product) => product.title,
    handle: (product) => product.handle,
    status: (product) => product.status.toLowerCase(),
    vendor: (product) => product.vendor,
    product_type: (product) => product.productType,
    tag: (product) => product.tags,
    created_at: (product) => product.createdAt,
    updated_at: (product) => product.updatedAt,
  },
  sortKeys: {
    ID: (product) => product.id,
    TITLE: (product) => product.title,
    CREATED_AT: (product) => product.createdAt,
    UPDATED_AT: (product) => product.updatedAt,
    VENDOR: (product) => product.vendor,
    PRODUCT_TYPE: (product) => product.productType,
    PUBLISHED_AT: (product) => product.publishedAt,
  },
};

export function variantList(ctx: ResolverContext): ListSpec<Variant> {
  const product = (variant: Variant) => ctx.data.requireProduct(variant.productId);
  return {
    id: (variant) => variant.id,
    search: {
      default: (variant) => `${product(variant).title} ${variant.title} ${variant.sku ?? ""}`,
      id: (variant) => variant.id,
      sku: (variant) => variant.sku,
      title: (variant) => variant.title,
      product_id: (variant) => variant.productId,
      product_status: (variant) => product(variant).status.toLowerCase(),
      inventory_quantity: (variant) => derive.inventoryQuantity(ctx.data, variant.inventoryItemId),
      updated_at: (variant) => variant.updatedAt,
      created_at: (variant) => variant.createdAt,
    },
    sortKeys: {
      ID: (variant) => variant.id,
      SKU: (variant) => variant.sku,
      TITLE: (variant) => variant.title,
      POSITION: (variant) => variant.position,
      FULL_TITLE: (variant) => `${product(variant).title} ${variant.title}`,
      INVENTORY_QUANTITY: (variant) => derive.inventoryQuantity(ctx.data, variant.inventoryItemId),
    },
  };
}

export function inventoryItemList(ctx: ResolverContext): ListSpec<InventoryItem> {
  return {
    id: (item) => item.id,
    search: {
      id: (item) => item.id,
      sku: (item) => ctx.data.variants.get(item.variantId)?.sku ?? null,
      created_at: (item) => item.createdAt,
      updated_at: (item) => item.updatedAt,
    },
    sortKeys: { ID: (item) => item.id },
  };
}

export const LOCATION_LIST: ListSpec<Location> = {
  id: (location) => location.id,
  search: {
    default: (location) => location.name,
    id: (location) => location.id,
    name: (location) => location.name,
    active: (location) => String(location.isActive),
  },
  sortKeys: { ID: (location) => location.id, NAME: (location) => location.name },
};

function variantsOf(ctx: ResolverContext, product: Product): Variant[] {
  return ctx.data.variantsOf(product.id).sort((a, b) => a.position - b.position);
}

function prices(ctx: ResolverContext, product: Product): number[] {
  return variantsOf(ctx, product).map((variant) => Number(variant.price));
}

export const productFields: FieldMap<Product> = {
  legacyResourceId: (product) => product.id,
  description: (product) => product.descriptionHtml.replace(/<[^>]*>/g, ""),
  tags: (product) => product.tags,
  totalInventory: (product, _args, ctx) =>
    variantsOf(ctx, product).reduce((total, v) => total + derive.inventoryQuantity(ctx.data, v.inventoryItemId), 0),
  tracksInventory: () => true,
  isGiftCard: () => false,
  requiresSellingPlan: () => false,
  hasOnlyDefaultVariant: (product, _args, ctx) => variantsOf(ctx, product).every((v) => v.title === "Default Title"),
  hasOutOfStockVariants: (product, _args, ctx) =>
    variantsOf(ctx, product).some((v) => derive.inventoryQuantity(ctx.data, v.inventoryItemId) <= 0),
  hasVariantsThatRequiresComponents: () => false,
  variants: (product, args, ctx) => byId(variantsOf(ctx, product), args),
  variantsCount: (product, _args, ctx) => count(variantsOf(ctx, product).length),
  onlineStoreUrl: (product, _args, ctx) =>
    product.status === "ACTIVE" ? `https://${ctx.data.shop.primaryDomain}/products/${product.handle}` : null,
  priceRangeV2: (product, _args, ctx) => ({
    minVariantPrice: money(ctx, String(Math.min(...prices(ctx, product)))),
    maxVariantPrice: money(ctx, String(Math.max(...prices(ctx, product)))),
  }),
  seo: (product) => ({ title: product.title, description: null }),
  templateSuffix: () => null,
  defaultCursor: (product) => encodeCursor(product.id),
  options: (product, _args, ctx) => [
    {
      id: gid("ProductOption", product.id),
      name: "Title",
      position: 1,
      values: variantsOf(ctx, product).map((variant) => variant.title),
    },
  ],
};

function quantityOf(ctx: ResolverContext, variant: Variant): number {
  return derive.inventoryQuantity(ctx.data, variant.inventoryItemId);
}

export const variantFields: FieldMap<Variant> = {
  legacyResourceId: (variant) => variant.id,
  product: (variant, _args, ctx) => ctx.data.requireProduct(variant.productId),
  displayName: (variant, _args, ctx) => {
    const title = ctx.data.requireProduct(variant.productId).title;
    return variant.title === "Default Title" ? title : `${title} - ${variant.title}`;
  },
  inventoryItem: (variant, _args, ctx) => ctx.data.inventoryItems.get(variant.inventoryItemId),
  inventoryQuantity: (variant, _args, ctx) => quantityOf(ctx, variant),
  sellableOnlineQuantity: (variant, _args, ctx) => quantityOf(ctx, variant),
  availableForSale: (variant, _args, ctx) => quantityOf(ctx, variant) > 0,
  inventoryPolicy: () => "DENY",
  taxable: () => true,
  barcode: () => null,
  requiresComponents: () => false,
  showUnitPrice: () => false,
  selectedOptions: (variant) => [{ name: "Title", value: variant.title }],
  defaultCursor: (variant) => encodeCursor(variant.id),
};

export const inventoryItemFields: FieldMap<InventoryItem> = {
  legacyResourceId: (item) => item.id,
  sku: (item, _args, ctx) => ctx.data.variants.get(item.variantId)?.sku ?? null,
  variant: (item, _args, ctx) => ctx.data.variants.get(item.variantId),
  variants: (item, args, ctx) =>
    byId(
      [ctx.data.variants.get(item.variantId)].filter((v) => v !== undefined),
      args,
    ),
  inventoryLevels: (item, args, ctx) => levelConnection(ctx.data.levelsOfItem(item.id), args),
  inventoryLevel: (item, args, ctx) => {
    const locationId = typeof args.locationId === "string" ? args.locationId.split("/").pop() : undefined;
    return locationId ? (ctx.data.level(item.id, locationId) ?? null) : null;
  },
  locationsCount: (item, _args, ctx) => count(ctx.data.levelsOfItem(item.id).length),
  duplicateSkuCount: () => 0,
  measurement: () => ({ id: "gid://shopify/InventoryItemMeasurement/0", weight: { unit: "GRAMS", value: 500 } }),
  unitCost: () => null,
  countryCodeOfOrigin: () => null,
  provinceCodeOfOrigin: () => null,
  harmonizedSystemCode: () => null,
};

function levelConnection(levels: InventoryLevel[], args: Record<string, unknown>) {
  return connection(levels, args, (level) => `${level.inventoryItemId}@${level.locationId}`);
}

/** Only `available` is modelled: on hand equals available and nothing is committed, incoming or reserved. */
function quantityNamed(level: InventoryLevel, name: string): number {
  return name === "available" || name === "on_hand" ? level.available : 0;
}

export const inventoryLevelFields: FieldMap<InventoryLevel> = {
  id: (level) => inventoryLevelGid(level.inventoryItemId, level.locationId),
  item: (level, _args, ctx) => ctx.data.inventoryItems.get(level.inventoryItemId),
  location: (level, _args, ctx) => ctx.data.requireLocation(level.locationId),
  quantities: (level, args) => {
    const names = Array.isArray(args.names) ? (args.names as string[]) : ["available"];
    return names.map((name) => ({
      id: `gid://shopify/InventoryQuantity/${level.locationId}?inventory_item_id=${level.inventoryItemId}&name=${name}`,
      name,
      quantity: quantityNamed(level, name),
      updatedAt: level.updatedAt,
    }));
  },
  isActive: () => true,
  canDeactivate: () => false,
  deactivationAlert: () => null,
};

export const locationFields: FieldMap<Location> = {
  legacyResourceId: (location) => location.id,
  address: (location) => ({
    ...location.address,
    latitude: null,
    longitude: null,
    formatted: [
      location.address.address1,
      `${location.address.zip} ${location.address.city}`,
      location.address.country,
    ],
  }),
  inventoryLevels: (location, args, ctx) => levelConnection(ctx.data.levelsAtLocation(location.id), args),
  inventoryLevel: (location, args, ctx) => {
    const itemId = typeof args.inventoryItemId === "string" ? args.inventoryItemId.split("/").pop() : undefined;
    return itemId ? (ctx.data.level(itemId, location.id) ?? null) : null;
  },
  fulfillsOnlineOrders: () => true,
  shipsInventory: () => true,
  hasActiveInventory: () => true,
  isFulfillmentService: () => false,
  activatable: () => false,
  deactivatable: () => true,
  deletable: () => false,
  addressVerified: () => true,
  deactivatedAt: () => null,
  fulfillmentService: () => null,
  localPickupSettingsV2: () => null,
  suggestedAddresses: () => [],
  hasUnfulfilledOrders: (location, _args, ctx) =>
    [...ctx.data.fulfillmentOrders.values()].some(
      (fo) => fo.locationId === location.id && (fo.status === "OPEN" || fo.status === "IN_PROGRESS"),
    ),
};
