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

export const ReturnRequestMutation = `#graphql
  mutation ReturnRequest($input: ReturnRequestInput!) {
    returnRequest(input: $input) {
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

export const ReturnCreateMutation = `#graphql
  mutation ReturnCreate($returnInput: ReturnInput!) {
    returnCreate(returnInput: $returnInput) {
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

export const ReturnProcessMutation = `#graphql
  mutation ReturnProcess($input: ReturnProcessInput!) {
    returnProcess(input: $input) {
      return {
        ...ReturnFields
        refunds(first: 5) {
          nodes {
            id
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
