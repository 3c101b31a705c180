// Webhook subscriptions created through the API for this shop (app-scoped
// ones from shopify.app.toml are not listed here), to check what is registered.

export const WebhookSubscriptionsQuery = `#graphql
  query WebhookSubscriptions($first: Int!, $after: String) {
    webhookSubscriptions(first: $first, after: $after) {
      nodes {
        id
        topic
        uri
        format
        filter
        includeFields
        apiVersion {
          handle
        }
        createdAt
        updatedAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
