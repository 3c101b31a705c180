// Refunds without a return (a return's refund goes through returnProcess).
//
// `@idempotent(key:)` is declared in the schema as `directive @idempotent(key: String!) on FIELD`
// and goes on the mutation field. It is optional in the schema but required
// at run time from 2026-04: Shopify answers a repeated key with the first
// result, so a retried request never refunds twice. Store the key with the
// action that caused the refund and reuse it on every retry.

export const RefundCreateMutation = `#graphql
  mutation RefundCreate($input: RefundInput!, $idempotencyKey: String!) {
    refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
      refund {
        id
        createdAt
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
      order {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
`;
