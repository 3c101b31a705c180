// Catalogue and stock for back-in-stock alerts. Variants are read flat from
// `productVariants` rather than nested under `products`: a nested variants
// connection multiplies the query cost by the products page size.
// Inventory webhooks carry an inventory item id, not a variant id, hence the
// inventoryItem ids here. The product's featured image is shown in back-in-stock
// mails (Product.imageUrl).

export const PRODUCT_VARIANTS_PAGE_SIZE = 100;
/** Ids per InventoryLevelsQuery: 25 items x 10 locations stays under 1,000 points. */
export const INVENTORY_ITEMS_PER_QUERY = 25;

export const ProductVariantsQuery = `#graphql
  query ProductVariants($first: Int!, $after: String, $query: String) {
    productVariants(first: $first, after: $after, query: $query) {
      nodes {
        id
        title
        sku
        price
        inventoryQuantity
        displayName
        updatedAt
        product {
          id
          title
          handle
          status
          updatedAt
          tags
          featuredMedia {
            preview {
              image {
                url
              }
            }
          }
        }
        inventoryItem {
          id
          tracked
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** Available quantity per location for a batch of inventory items. */
export const InventoryLevelsQuery = `#graphql
  query InventoryLevels($inventoryItemIds: [ID!]!) {
    nodes(ids: $inventoryItemIds) {
      ... on InventoryItem {
        id
        tracked
        inventoryLevels(first: 10) {
          nodes {
            id
            updatedAt
            location {
              id
              name
            }
            quantities(names: ["available"]) {
              name
              quantity
            }
          }
        }
      }
    }
  }
`;
