// products/update → Product and its Variants (price, stock, and the
// inventory item that inventory_levels/update refers to).
import type { Json, JsonObject } from "../webhooks/payload.server.ts";
import { isObject } from "../webhooks/payload.server.ts";
import {
  arrayOf,
  dateOf,
  enumOf,
  fieldOf,
  idAt,
  intOf,
  moneyOf,
  objectsOf,
  ownIdOf,
  requireId,
  requireValue,
  textOf,
  versionOf,
  type Read,
} from "./read-payload.server.ts";
import { keepNewest, notNewerThan, type Tx } from "./write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "./project-event.server.ts";

interface VariantRecord {
  id: string;
  version: Date | null;
  data: {
    inventoryItemId: string | undefined;
    title: Read<string>;
    sku: Read<string>;
    price: Read<string>;
    inventoryQuantity: Read<number>;
  };
}

function readVariant(variant: JsonObject): VariantRecord {
  return {
    id: requireId(ownIdOf(variant), "variant id"),
    version: dateOf(variant, "updated_at") ?? null,
    data: {
      // A null inventory_item_id (seen in Shopify's example) must not erase the
      // mapping inventory levels are joined through.
      inventoryItemId: idAt(variant, "inventory_item_id") ?? undefined,
      title: textOf(variant, "title"),
      sku: textOf(variant, "sku"),
      price: moneyOf(variant, "price"),
      inventoryQuantity: intOf(variant, "inventory_quantity"),
    },
  };
}

/**
 * Every variant the product has. `variants` may be cut short on products with
 * many variants; `variant_gids` lists them all. Undefined when neither is sent.
 */
function allVariantIds(product: JsonObject): string[] | undefined {
  const lists = [arrayOf(product, "variant_gids"), arrayOf(product, "variants")].filter((list): list is Json[] =>
    Array.isArray(list),
  );
  if (lists.length === 0) return undefined;
  return lists
    .flat()
    .filter(isObject)
    .flatMap((variant) => ownIdOf(variant) ?? []);
}

function writeVariant(tx: Tx, shop: string, productId: string, variant: VariantRecord): Promise<boolean> {
  const key = { shop, id: variant.id };
  // The parent's id, not the variant's `product_id`: that one may have lost digits.
  const data = { ...variant.data, productId, shopifyUpdatedAt: variant.version };
  return keepNewest({
    update: () => tx.variant.updateMany({ where: { ...key, ...notNewerThan(variant.version) }, data }),
    exists: () => tx.variant.count({ where: key }).then((n) => n > 0),
    create: () => tx.variant.create({ data: { ...key, ...data } }),
  });
}

/**
 * The featured image's URL: `image`, else the first of `images`, else the first
 * medium's preview. Null when the product has none; undefined when the payload
 * says nothing about images (the stored one stays). Only http(s) URLs are kept.
 */
export function productImageOf(product: JsonObject): Read<string> {
  const image = fieldOf(product, "image");
  const images = fieldOf(product, "images");
  const media = fieldOf(product, "media");
  if (image === undefined && images === undefined && media === undefined) return undefined;
  const candidates: Json[] = [
    isObject(image) ? (image.src ?? null) : null,
    ...(Array.isArray(images) ? images.filter(isObject).map((item) => item.src ?? null) : []),
    ...(Array.isArray(media)
      ? media.filter(isObject).map((item) => (isObject(item.preview_image) ? (item.preview_image.src ?? null) : null))
      : []),
  ];
  for (const candidate of candidates) {
    if (typeof candidate !== "string") continue;
    const url = candidate.startsWith("//") ? `https:${candidate}` : candidate;
    if (/^https?:\/\/[^\s"<>]+$/i.test(url)) return url;
  }
  return null;
}

/**
 * The product's tags as a JSON list: REST payloads send "a, b", GraphQL-shaped ones a list.
 * Undefined when the payload says nothing about tags (the stored ones stay).
 */
export function productTagsOf(product: JsonObject): string | undefined {
  const tags = fieldOf(product, "tags");
  if (tags === undefined) return undefined;
  const list = Array.isArray(tags)
    ? tags.filter((tag): tag is string => typeof tag === "string")
    : typeof tags === "string"
      ? tags.split(",")
      : [];
  return JSON.stringify([...new Set(list.map((tag) => tag.trim()).filter(Boolean))].slice(0, 250));
}

export async function projectProduct(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const product = event.payload;
  const id = requireId(ownIdOf(product), "product id");
  const version = versionOf(product, event.triggeredAt);
  const data = {
    title: requireValue(textOf(product, "title"), "product title"),
    handle: textOf(product, "handle"),
    status: enumOf(product, "status"),
    imageUrl: productImageOf(product),
    tags: productTagsOf(product),
    shopifyUpdatedAt: version,
  };
  const variants = objectsOf(product, "variants").map(readVariant);
  const key = { shop: event.shop, id };
  const written = await keepNewest({
    update: () => tx.product.updateMany({ where: { ...key, ...notNewerThan(version) }, data }),
    exists: () => tx.product.count({ where: key }).then((n) => n > 0),
    create: () => tx.product.create({ data: { ...key, ...data } }),
  });
  if (!written) return {};
  for (const variant of variants) await writeVariant(tx, event.shop, id, variant);
  const keep = allVariantIds(product);
  if (keep) await tx.variant.deleteMany({ where: { shop: event.shop, productId: id, id: { notIn: keep } } });
  return {};
}
