// The order of a fulfillment order: Shopify's hold webhooks name the
// fulfillment order only, and the delay rules need its order.

export const FulfillmentOrderOrderQuery = `#graphql
  query FulfillmentOrderOrder($id: ID!) {
    fulfillmentOrder(id: $id) {
      id
      order {
        id
      }
    }
  }
`;
