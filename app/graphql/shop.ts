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

// The shop's languages: the primary one is the language customers get when
// Kizuna knows none of theirs (Shop.locale). Shopify asks for the read_locales
// (or read_markets_home) scope; without it the API refuses the field.
export const ShopLocalesQuery = `#graphql
  query ShopLocales {
    shopLocales {
      locale
      primary
      published
    }
  }
`;
