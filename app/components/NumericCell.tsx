// A number in an IndexTable row: right-aligned, tabular figures, under a
// heading with `alignment: "end"`.
import { IndexTable, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

export function NumericCell({ children }: { children: ReactNode }) {
  return (
    <IndexTable.Cell>
      <Text as="span" alignment="end" numeric>
        {children}
      </Text>
    </IndexTable.Cell>
  );
}
