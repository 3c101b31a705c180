// Orders with everything the delay detection needs: customer, line items,
// fulfillment orders (status, holds) and fulfillments (tracking, carrier events).
//
// Cost: Shopify rejects a query whose requested cost exceeds 1,000 points.
// One order here requests about 125 points (mostly line items and fulfillment
// events), so pages of ORDERS_PAGE_SIZE stay under the limit.

// CustomerFields brings MailingAddressFields along (one definition per document).
import { CustomerFields } from "./customers.ts";

export const ORDERS_PAGE_SIZE = 5;

const OrderFields = `#graphql
  fragment OrderFields on Order {
    id
    name
    createdAt
    updatedAt
    processedAt
    cancelledAt
    cancelReason
    closedAt
    displayFinancialStatus
    displayFulfillmentStatus
    customerLocale
    statusPageUrl
    email
    phone
    currencyCode
    totalPriceSet {
      shopMoney {
        amount
        currencyCode
      }
    }
    shippingAddress {
      ...MailingAddressFields
    }
    customer {
      ...CustomerFields
    }
    lineItems(first: 20) {
      nodes {
        id
        name
        title
        variantTitle
        sku
        quantity
        originalUnitPriceSet {
          shopMoney {
            amount
          }
        }
        variant {
          id
        }
        product {
          id
        }
      }
    }
    fulfillmentOrders(first: 5) {
      nodes {
        id
        status
        updatedAt
        fulfillBy
        fulfillmentHolds {
          id
          reason
          reasonNotes
        }
      }
    }
    fulfillments(first: 5) {
      id
      status
      displayStatus
      createdAt
      updatedAt
      inTransitAt
      deliveredAt
      estimatedDeliveryAt
      trackingInfo(first: 5) {
        company
        number
        url
      }
      # Newest first: the latest carrier event is what tells of a delay.
      events(first: 5, sortKey: HAPPENED_AT, reverse: true) {
        nodes {
          id
          status
          message
          happenedAt
          estimatedDeliveryAt
          city
          province
          country
          zip
        }
      }
    }
  }
`;

/** One page of orders matching `$query`, e.g. ordersSinceFilter(30). */
export const OrdersBackfillQuery = `#graphql
  query OrdersBackfill($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
      nodes {
        ...OrderFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${OrderFields}
  ${CustomerFields}
`;

/** One order, to reconcile after a webhook (deliveries can be late or out of order). */
export const OrderQuery = `#graphql
  query Order($id: ID!) {
    order(id: $id) {
      ...OrderFields
    }
  }
  ${OrderFields}
  ${CustomerFields}
`;

/** The `query:` filter for orders created in the last `days` days. */
export function ordersSinceFilter(days: number, now: Date = new Date()): string {
  const since = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  return `created_at:>='${since.toISOString()}'`;
}
