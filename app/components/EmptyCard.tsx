// What a list shows when it has nothing yet: a heading and a sentence saying
// what will appear and how. (Polaris's EmptyState wants an illustration from
// Shopify's CDN; this keeps to text.)
import { BlockStack, Box, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

export function EmptyCard({ heading, children }: { heading: string; children?: ReactNode }) {
  return (
    <Box paddingBlock="1000" paddingInline="400">
      <BlockStack gap="200" inlineAlign="center">
        <Text as="h3" variant="headingMd" alignment="center">
          {heading}
        </Text>
        <Box maxWidth="440px" color="text-secondary">
          <div style={{ textAlign: "center" }}>{children}</div>
        </Box>
      </BlockStack>
    </Box>
  );
}
