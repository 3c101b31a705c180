// Shop facts the app keeps per installed shop: names and addresses for
// messages, currency and time zone for dates and amounts.
// `Shop.billingAddress` is deprecated in 2026-07; `shopAddress` replaces it.

export const ShopQuery = `#graphql
  query Shop {
    shop {
      id
      name
      email
      contactEmail
      myshopifyDomain
      currencyCode
      ianaTimezone
      primaryDomain {
        host
        url
      }
      shopAddress {
        countryCodeV2
      }
    }
  }
`;
