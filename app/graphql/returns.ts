// The returns flow (2025-07+): returnableFulfillments -> returnRequest
// (REQUESTED) -> returnApproveRequest (OPEN) or returnDeclineRequest; or
// returnCreate (OPEN at once) -> returnProcess (refund, dispositions) -> returnClose.

const ReturnFields = `#graphql
  fragment ReturnFields on Return {
    id
    name
    status
    createdAt
    requestApprovedAt
    closedAt
    order {
      id
    }
    decline {
      reason
      note
    }
    returnLineItems(first: 50) {
      nodes {
        id
        quantity
        processableQuantity
        processedQuantity
        ... on ReturnLineItem {
          fulfillmentLineItem {
            id
          }
        }
      }
    }
  }
`;

const MoneyBagFields = `#graphql
  fragment MoneyBagFields on MoneyBag {
    shopMoney {
      amount
      currencyCode
    }
  }
`;

// Everything Kizuna shows of one return: its lines (with the shop's reason and
// the customer's note), the exchange, the decline, the reverse logistics
// (label, tracking, dispositions) and the refunds. About 250 points.
const ReturnDetailFields = `#graphql
  fragment ReturnDetailFields on Return {
    id
    name
    status
    createdAt
    requestApprovedAt
    closedAt
    totalQuantity
    order {
      id
      name
    }
    decline {
      reason
      note
    }
    returnShippingFees {
      id
      amountSet {
        ...MoneyBagFields
      }
    }
    returnLineItems(first: 20) {
      nodes {
        id
        quantity
        processableQuantity
        processedQuantity
        refundableQuantity
        refundedQuantity
        customerNote
        returnReasonNote
        returnReasonDefinition {
          id
          handle
          name
        }
        ... on ReturnLineItem {
          restockingFee {
            percentage
            amountSet {
              ...MoneyBagFields
            }
          }
          fulfillmentLineItem {
            id
            lineItem {
              id
              title
              name
              quantity
              variant {
                id
                title
              }
            }
          }
        }
      }
    }
    exchangeLineItems(first: 10) {
      nodes {
        id
        quantity
        processableQuantity
        processedQuantity
        variantId
        lineItems {
          id
          title
          quantity
          variant {
            id
            title
          }
        }
      }
    }
    reverseFulfillmentOrders(first: 3) {
      nodes {
        id
        status
        lineItems(first: 20) {
          nodes {
            id
            totalQuantity
            fulfillmentLineItem {
              id
            }
            dispositions {
              id
              type
              quantity
              location {
                id
              }
            }
          }
        }
        reverseDeliveries(first: 3) {
          nodes {
            id
            deliverable {
              ... on ReverseDeliveryShippingDeliverable {
                tracking {
                  carrierName
                  number
                  url
                }
                label {
                  publicFileUrl
                  createdAt
                }
              }
            }
          }
        }
      }
    }
    refunds(first: 10) {
      nodes {
        id
        createdAt
        note
        totalRefundedSet {
          ...MoneyBagFields
        }
        transactions(first: 5) {
          nodes {
            id
            kind
            status
            gateway
            amountSet {
              ...MoneyBagFields
            }
          }
        }
      }
    }
  }
`;

/** The shop's return reasons (Shopify's standard library; \`name\` in the requested locale, English fallback). */
export const ReturnReasonDefinitionsQuery = `#graphql
  query ReturnReasonDefinitions($first: Int = 50, $after: String) {
    returnReasonDefinitions(first: $first, after: $after) {
      nodes {
        id
        handle
        name
        deleted
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** One return with everything the admin's return page shows. */
export const ReturnQuery = `#graphql
  query Return($id: ID!) {
    return(id: $id) {
      ...ReturnDetailFields
    }
  }
  ${ReturnDetailFields}
  ${MoneyBagFields}
`;

/**
 * What Shopify suggests to refund (or invoice) for returned lines and exchange
 * lines, as money to the original payment methods or as store credit
 * (\`refundMethodAllocation\`). Line prices × quantity, minus restocking fees
 * and the return shipping fee, in the order's currency.
 */
export const ReturnSuggestedOutcomeQuery = `#graphql
  query ReturnSuggestedOutcome(
    $id: ID!
    $returnLineItems: [SuggestedOutcomeReturnLineItemInput!]!
    $exchangeLineItems: [SuggestedOutcomeExchangeLineItemInput!]!
    $refundShipping: RefundShippingInput
    $refundMethodAllocation: RefundMethodAllocation = ORIGINAL_PAYMENT_METHODS
  ) {
    return(id: $id) {
      id
      suggestedFinancialOutcome(
        returnLineItems: $returnLineItems
        exchangeLineItems: $exchangeLineItems
        refundShipping: $refundShipping
        refundMethodAllocation: $refundMethodAllocation
      ) {
        discountedSubtotal {
          ...MoneyBagFields
        }
        totalTax {
          ...MoneyBagFields
        }
        maximumRefundable {
          ...MoneyBagFields
        }
        shipping {
          amountSet {
            ...MoneyBagFields
          }
          maximumRefundableSet {
            ...MoneyBagFields
          }
        }
        financialTransfer {
          __typename
          ... on RefundReturnOutcome {
            amount {
              ...MoneyBagFields
            }
            suggestedRefundMethods {
              __typename
              amount {
                ...MoneyBagFields
              }
              maximumRefundable {
                ...MoneyBagFields
              }
            }
            suggestedTransactions {
              gateway
              kind
              amountSet {
                ...MoneyBagFields
              }
              maximumRefundableSet {
                ...MoneyBagFields
              }
              parentTransaction {
                id
              }
            }
          }
          ... on InvoiceReturnOutcome {
            amount {
              ...MoneyBagFields
            }
          }
        }
      }
    }
  }
  ${MoneyBagFields}
`;

const ReturnChangeFields = `#graphql
  fragment ReturnChangeFields on Return {
    id
    name
    status
    requestApprovedAt
    closedAt
    order {
      id
    }
    decline {
      reason
      note
    }
    returnLineItems(first: 20) {
      nodes {
        id
        quantity
        processedQuantity
        customerNote
        returnReasonDefinition {
          id
          handle
        }
        ... on ReturnLineItem {
          fulfillmentLineItem {
            id
          }
        }
      }
    }
    exchangeLineItems(first: 10) {
      nodes {
        id
        quantity
        processedQuantity
        variantId
      }
    }
    reverseFulfillmentOrders(first: 3) {
      nodes {
        id
        status
        lineItems(first: 20) {
          nodes {
            id
            totalQuantity
            fulfillmentLineItem {
              id
            }
          }
        }
      }
    }
  }
`;

/** What the customer can still return on an order, per fulfillment line item (~500 points). */
export const ReturnableFulfillmentsQuery = `#graphql
  query ReturnableFulfillments($orderId: ID!) {
    returnableFulfillments(orderId: $orderId, first: 5) {
      nodes {
        id
        fulfillment {
          id
        }
        returnableFulfillmentLineItems(first: 30) {
          nodes {
            quantity
            fulfillmentLineItem {
              id
              lineItem {
                id
                name
                sku
              }
            }
          }
        }
      }
    }
  }
`;

/**
 * The customer's request (REQUESTED). Each of \`input.returnLineItems\` takes
 * \`fulfillmentLineItemId\`, \`quantity\`, \`returnReasonDefinitionId\` (from
 * ReturnReasonDefinitionsQuery) and \`customerNote\`; a request cannot carry
 * exchange lines (see ReturnCreateMutation).
 */
export const ReturnRequestMutation = `#graphql
  mutation ReturnRequest($input: ReturnRequestInput!) {
    returnRequest(input: $input) {
      return {
        ...ReturnFields
        returnLineItems(first: 50) {
          nodes {
            customerNote
            returnReasonDefinition {
              id
              handle
              name
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ReturnFields}
`;

export const ReturnApproveRequestMutation = `#graphql
  mutation ReturnApproveRequest($input: ReturnApproveRequestInput!) {
    returnApproveRequest(input: $input) {
      return {
        ...ReturnFields
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ReturnFields}
`;

export const ReturnDeclineRequestMutation = `#graphql
  mutation ReturnDeclineRequest($input: ReturnDeclineRequestInput!) {
    returnDeclineRequest(input: $input) {
      return {
        ...ReturnFields
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ReturnFields}
`;

/** A return the seller creates, OPEN at once; the only way to put exchange lines (\`exchangeLineItems\`) on a return. */
export const ReturnCreateMutation = `#graphql
  mutation ReturnCreate($returnInput: ReturnInput!) {
    returnCreate(returnInput: $returnInput) {
      return {
        ...ReturnFields
        exchangeLineItems(first: 10) {
          nodes {
            id
            quantity
            variantId
          }
        }
        reverseFulfillmentOrders(first: 3) {
          nodes {
            id
            status
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ReturnFields}
`;

/**
 * Receives and settles returned (and exchange) lines: \`returnLineItems\` with
 * \`dispositions\` (RESTOCKED needs a locationId), \`exchangeLineItems\` (ships
 * the new variant), and \`financialTransfer.issueRefund\` with
 * \`orderTransactions\` (money back to the original payment) and/or
 * \`refundMethods: [{ storeCreditRefund: { amount } }]\` (store credit).
 */
export const ReturnProcessMutation = `#graphql
  mutation ReturnProcess($input: ReturnProcessInput!) {
    returnProcess(input: $input) {
      return {
        ...ReturnFields
        exchangeLineItems(first: 10) {
          nodes {
            id
            quantity
            processedQuantity
            variantId
          }
        }
        refunds(first: 5) {
          nodes {
            id
            totalRefundedSet {
              shopMoney {
                amount
                currencyCode
              }
            }
            transactions(first: 5) {
              nodes {
                id
                kind
                gateway
                amountSet {
                  shopMoney {
                    amount
                    currencyCode
                  }
                }
              }
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ReturnFields}
`;

export const ReturnCloseMutation = `#graphql
  mutation ReturnClose($id: ID!) {
    returnClose(id: $id) {
      return {
        ...ReturnFields
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ReturnFields}
`;

/** Cancels a return before anything was done with it (no processing, no refund). */
export const ReturnCancelMutation = `#graphql
  mutation ReturnCancel($id: ID!) {
    returnCancel(id: $id) {
      return {
        ...ReturnChangeFields
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ReturnChangeFields}
`;

/** Opens a CLOSED return again. */
export const ReturnReopenMutation = `#graphql
  mutation ReturnReopen($id: ID!) {
    returnReopen(id: $id) {
      return {
        ...ReturnChangeFields
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ReturnChangeFields}
`;

/**
 * Attaches a return label (file URL) and tracking to a return's reverse
 * fulfillment order. Shopify's \`notifyCustomer\` defaults to true here:
 * Kizuna sends false and its own notice. The tracking input has \`number\` and
 * \`url\` only; Shopify derives the carrier's name from them.
 */
export const ReverseDeliveryCreateWithShippingMutation = `#graphql
  mutation ReverseDeliveryCreateWithShipping(
    $reverseFulfillmentOrderId: ID!
    $reverseDeliveryLineItems: [ReverseDeliveryLineItemInput!]!
    $trackingInput: ReverseDeliveryTrackingInput
    $labelInput: ReverseDeliveryLabelInput
    $notifyCustomer: Boolean = false
  ) {
    reverseDeliveryCreateWithShipping(
      reverseFulfillmentOrderId: $reverseFulfillmentOrderId
      reverseDeliveryLineItems: $reverseDeliveryLineItems
      trackingInput: $trackingInput
      labelInput: $labelInput
      notifyCustomer: $notifyCustomer
    ) {
      reverseDelivery {
        id
        reverseFulfillmentOrder {
          id
        }
        reverseDeliveryLineItems(first: 20) {
          nodes {
            id
            quantity
            reverseFulfillmentOrderLineItem {
              id
            }
          }
        }
        deliverable {
          ... on ReverseDeliveryShippingDeliverable {
            tracking {
              carrierName
              number
              url
            }
            label {
              publicFileUrl
              createdAt
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/**
 * A reverse fulfillment order by id: reverse_fulfillment_orders/dispose names
 * only it (not its return), so this finds the order whose returns to refresh,
 * and what was disposed of.
 */
export const ReverseFulfillmentOrderQuery = `#graphql
  query ReverseFulfillmentOrder($id: ID!) {
    reverseFulfillmentOrder(id: $id) {
      id
      status
      order {
        id
      }
      lineItems(first: 20) {
        nodes {
          id
          totalQuantity
          fulfillmentLineItem {
            id
          }
          dispositions {
            id
            type
            quantity
            location {
              id
            }
          }
        }
      }
    }
  }
`;

/**
 * Store credit on top of a return's credit (the policy's bonus for choosing credit). It takes no
 * idempotency key: a lost answer is never sent again by itself (app/returns/money-operations.server.ts).
 */
export const StoreCreditAccountCreditMutation = `#graphql
  mutation StoreCreditAccountCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
      storeCreditAccountTransaction {
        id
        amount {
          amount
          currencyCode
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
