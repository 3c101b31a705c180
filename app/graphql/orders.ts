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
    # Returns made before the app was installed: the backfill reads each in full (ReturnQuery).
    returns(first: 5) {
      nodes {
        id
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

/**
 * What Shopify suggests to refund on an order without a return: lines
 * (\`refundLineItems\`: lineItemId, quantity, restockType, locationId) and
 * shipping (\`refundShipping: true\` for all of it, or \`shippingAmount\`). The
 * suggested transactions (gateway, amount, parent) are what refundCreate's
 * \`transactions\` take.
 */
export const OrderSuggestedRefundQuery = `#graphql
  query OrderSuggestedRefund(
    $id: ID!
    $refundLineItems: [RefundLineItemInput!]
    $refundShipping: Boolean
    $shippingAmount: Money
    $suggestFullRefund: Boolean
    $refundMethodAllocation: RefundMethodAllocation = ORIGINAL_PAYMENT_METHODS
  ) {
    order(id: $id) {
      id
      currencyCode
      totalRefundedSet {
        shopMoney {
          amount
          currencyCode
        }
      }
      suggestedRefund(
        refundLineItems: $refundLineItems
        refundShipping: $refundShipping
        shippingAmount: $shippingAmount
        suggestFullRefund: $suggestFullRefund
        refundMethodAllocation: $refundMethodAllocation
      ) {
        amountSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        subtotalSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        totalTaxSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        maximumRefundableSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        shipping {
          amountSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          maximumRefundableSet {
            shopMoney {
              amount
              currencyCode
            }
          }
        }
        refundLineItems {
          quantity
          restockType
          lineItem {
            id
          }
          subtotalSet {
            shopMoney {
              amount
              currencyCode
            }
          }
        }
        suggestedRefundMethods {
          __typename
          amount {
            shopMoney {
              amount
              currencyCode
            }
          }
        }
        suggestedTransactions {
          gateway
          kind
          amountSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          maximumRefundableSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          parentTransaction {
            id
          }
        }
      }
    }
  }
`;

/**
 * Cancels an order, asynchronously: the answer is a Job (poll JobQuery until
 * \`done\`). Refused while a return is in progress or when the order has
 * fulfillments that cannot be cancelled. \`refundMethod\` is
 * \`{ originalPaymentMethodsRefund: true }\` or \`{ storeCreditRefund: { expiresAt } }\`;
 * \`staffNote\` is at most 255 characters.
 */
export const OrderCancelMutation = `#graphql
  mutation OrderCancel(
    $orderId: ID!
    $reason: OrderCancelReason!
    $restock: Boolean!
    $notifyCustomer: Boolean = false
    $refundMethod: OrderCancelRefundMethodInput
    $staffNote: String
  ) {
    orderCancel(
      orderId: $orderId
      reason: $reason
      restock: $restock
      notifyCustomer: $notifyCustomer
      refundMethod: $refundMethod
      staffNote: $staffNote
    ) {
      job {
        id
        done
      }
      orderCancelUserErrors {
        field
        message
        code
      }
    }
  }
`;

/** An asynchronous job (e.g. orderCancel's): done once Shopify has finished it. */
export const JobQuery = `#graphql
  query Job($id: ID!) {
    job(id: $id) {
      id
      done
    }
  }
`;
