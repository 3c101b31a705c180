// Customers with their language and marketing consent: consent decides which
// messages may be sent (transactional notices vs. marketing, SMS opt-in).
//
// In 2026-07 `Customer.email`, `phone`, `emailMarketingConsent` and
// `smsMarketingConsent` are deprecated in favour of `defaultEmailAddress` and
// `defaultPhoneNumber`. The SMS consent fields of `defaultPhoneNumber` are
// themselves deprecated already, pointing at `defaultPhoneNumber.smsMarketingConsent`,
// which only exists from 2026-10: there is no undeprecated SMS consent field
// in 2026-07 (see KNOWN_DEPRECATED_FIELDS in the operations test).

/** The address fields the mirror keeps (see addressTextOf in app/mirror/read-payload.server.ts). */
export const MailingAddressFields = `#graphql
  fragment MailingAddressFields on MailingAddress {
    firstName
    lastName
    name
    company
    address1
    address2
    city
    province
    provinceCode
    zip
    country
    countryCodeV2
    phone
  }
`;

export const CustomerFields = `#graphql
  fragment CustomerFields on Customer {
    id
    displayName
    firstName
    lastName
    locale
    updatedAt
    defaultEmailAddress {
      emailAddress
      marketingState
      marketingOptInLevel
      marketingUpdatedAt
    }
    defaultPhoneNumber {
      phoneNumber
      marketingState
      marketingOptInLevel
      marketingUpdatedAt
    }
    defaultAddress {
      ...MailingAddressFields
    }
  }
  ${MailingAddressFields}
`;

export const CUSTOMERS_PAGE_SIZE = 100;

export const CustomersQuery = `#graphql
  query Customers($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query) {
      nodes {
        ...CustomerFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${CustomerFields}
`;

export const CustomerQuery = `#graphql
  query Customer($id: ID!) {
    customer(id: $id) {
      ...CustomerFields
    }
  }
  ${CustomerFields}
`;
