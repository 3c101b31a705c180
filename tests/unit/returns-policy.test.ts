// The return policy's verdict, rule by rule, each with a look-alike that must not pass.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_POLICY,
  decideReturn,
  type PolicyOrder,
  type ReturnPolicyRules,
  type ReturnWish,
} from "../../app/returns/policy.ts";

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-12-01T12:00:00Z");

function order(overrides: Partial<PolicyOrder> = {}): PolicyOrder {
  return {
    currency: "JPY",
    cancelled: false,
    deliveredAt: new Date(NOW.getTime() - 10 * DAY),
    fulfilledAt: new Date(NOW.getTime() - 12 * DAY),
    lines: [
      {
        lineItemId: "L1",
        productId: "P1",
        title: "Linen shirt",
        unitPrice: "4800",
        returnable: 2,
        productTags: ["linen"],
      },
      { lineItemId: "L2", productId: "P2", title: "Socks", unitPrice: "500", returnable: 3, productTags: [] },
      {
        lineItemId: "L3",
        productId: "P3",
        title: "Sale scarf",
        unitPrice: "1200",
        returnable: 1,
        productTags: ["Final-Sale "],
      },
    ],
    ...overrides,
  };
}

const auto: ReturnPolicyRules = {
  ...DEFAULT_POLICY,
  autoApprove: true,
  photoReasons: ["damaged"],
  noteReasons: ["other"],
};

function wish(lines: ReturnWish["lines"], resolution: ReturnWish["resolution"] = "refund"): ReturnWish {
  return { resolution, lines };
}

const shirt = (quantity = 1) => ({ lineItemId: "L1", quantity, reasonHandle: "size-too-small" });

describe("the return window", () => {
  it("counts from delivery: shipped 40 days ago but delivered 29 days ago is inside a 30-day window", () => {
    const verdict = decideReturn(
      order({ fulfilledAt: new Date(NOW.getTime() - 40 * DAY), deliveredAt: new Date(NOW.getTime() - 29 * DAY) }),
      wish([shirt()]),
      auto,
      NOW,
    );
    expect(verdict.decision).toBe("approve");
    expect(verdict.reasons[0]).toEqual({ code: "within_policy" });
  });

  it("counts from the shipment when no delivery is known, and declines a day after it closes", () => {
    const verdict = decideReturn(
      order({ deliveredAt: null, fulfilledAt: new Date(NOW.getTime() - 31 * DAY) }),
      wish([shirt()]),
      auto,
      NOW,
    );
    expect(verdict.decision).toBe("decline");
    expect(verdict.reasons).toEqual([{ code: "outside_window", days: 30, endedOn: "2026-11-30" }]);
  });

  it("has nothing to return before the order ships, and nothing on a cancelled order", () => {
    expect(decideReturn(order({ deliveredAt: null, fulfilledAt: null }), wish([shirt()]), auto, NOW).reasons).toEqual([
      { code: "not_shipped" },
    ]);
    expect(decideReturn(order({ cancelled: true }), wish([shirt()]), auto, NOW).decision).toBe("decline");
  });
});

describe("final sale", () => {
  it("declines a product tagged final-sale, whatever the tag's case and spaces", () => {
    const verdict = decideReturn(
      order(),
      wish([{ lineItemId: "L3", quantity: 1, reasonHandle: "changed-mind" }]),
      auto,
      NOW,
    );
    expect(verdict.decision).toBe("decline");
    expect(verdict.reasons).toEqual([{ code: "final_sale", title: "Sale scarf" }]);
  });

  it("does not take a tag that only contains the words for final sale", () => {
    const lookalike = order();
    lookalike.lines[2]!.productTags = ["not-final-sale", "final-sale-2025"];
    const verdict = decideReturn(
      lookalike,
      wish([{ lineItemId: "L3", quantity: 1, reasonHandle: "changed-mind" }]),
      auto,
      NOW,
    );
    expect(verdict.decision).toBe("approve");
  });

  it("declines a product listed as final sale by id", () => {
    const policy = { ...auto, finalSaleProductIds: ["P2"] };
    expect(
      decideReturn(order(), wish([{ lineItemId: "L2", quantity: 1, reasonHandle: "x" }]), policy, NOW).decision,
    ).toBe("decline");
  });
});

describe("automatic approval", () => {
  it("leaves every request to the seller when automatic approval is off", () => {
    const verdict = decideReturn(order(), wish([shirt()]), { ...auto, autoApprove: false }, NOW);
    expect(verdict.decision).toBe("review");
    expect(verdict.reasons[0]).toEqual({ code: "seller_reviews" });
  });

  it("approves at the limit and sends one yen over it to the seller", () => {
    const atLimit = decideReturn(order(), wish([shirt(2)]), { ...auto, autoApproveUpTo: "9600" }, NOW);
    expect(atLimit.decision).toBe("approve");
    const over = decideReturn(order(), wish([shirt(2)]), { ...auto, autoApproveUpTo: "9599" }, NOW);
    expect(over.decision).toBe("review");
    expect(over.reasons[0]).toEqual({ code: "over_auto_amount", limit: "9599" });
  });

  it("reviews exchanges unless exchanges are approved automatically", () => {
    const exchange = wish([{ ...shirt(), exchangeVariantId: "V9", exchangeInStock: true }], "exchange");
    expect(decideReturn(order(), exchange, auto, NOW).reasons[0]).toEqual({ code: "exchange_reviewed" });
    expect(decideReturn(order(), exchange, { ...auto, autoApproveExchanges: true }, NOW).decision).toBe("approve");
  });
});

describe("what the customer must give", () => {
  it("asks for a photo for a reason that needs one, and a note for one that needs a note", () => {
    const damaged = decideReturn(
      order(),
      wish([{ lineItemId: "L1", quantity: 1, reasonHandle: "damaged" }]),
      auto,
      NOW,
    );
    expect(damaged.decision).toBe("incomplete");
    expect(damaged.reasons).toContainEqual({ code: "needs_photo", title: "Linen shirt" });
    const withPhoto = decideReturn(
      order(),
      wish([{ lineItemId: "L1", quantity: 1, reasonHandle: "damaged", hasPhoto: true }]),
      auto,
      NOW,
    );
    expect(withPhoto.decision).toBe("approve");
    const blankNote = decideReturn(
      order(),
      wish([{ lineItemId: "L1", quantity: 1, reasonHandle: "other", note: "   " }]),
      auto,
      NOW,
    );
    expect(blankNote.reasons).toContainEqual({ code: "needs_note", title: "Linen shirt" });
  });

  it("refuses more than can be returned, nothing at all, and an option the shop does not offer", () => {
    expect(decideReturn(order(), wish([shirt(3)]), auto, NOW).reasons).toContainEqual({
      code: "too_many",
      title: "Linen shirt",
      returnable: 2,
    });
    expect(decideReturn(order(), wish([shirt(0)]), auto, NOW).reasons).toContainEqual({ code: "nothing_chosen" });
    expect(
      decideReturn(order(), wish([shirt()], "store_credit"), { ...auto, offerStoreCredit: false }, NOW).reasons,
    ).toContainEqual({
      code: "resolution_not_offered",
      resolution: "store_credit",
    });
  });

  it("needs an in-stock variant for an exchange", () => {
    const out = decideReturn(
      order(),
      wish([{ ...shirt(), exchangeVariantId: "V9", exchangeInStock: false }], "exchange"),
      auto,
      NOW,
    );
    expect(out.reasons).toContainEqual({ code: "exchange_out_of_stock", title: "Linen shirt" });
  });
});

describe("amounts", () => {
  it("takes the restocking fee and the return shipping fee off the refund, in yen without a minor unit", () => {
    const policy = { ...auto, restockingFeePercent: 10, returnShippingFee: "700" };
    const verdict = decideReturn(
      order(),
      wish([shirt(), { lineItemId: "L2", quantity: 1, reasonHandle: "x" }]),
      policy,
      NOW,
    );
    expect(verdict).toMatchObject({
      itemsValue: "5300",
      restockingFee: "530",
      shippingFee: "700",
      expectedAmount: "4070",
    });
  });

  it("adds the store credit bonus on the credit", () => {
    const verdict = decideReturn(
      order(),
      wish([shirt()], "store_credit"),
      { ...auto, storeCreditBonusPercent: 10 },
      NOW,
    );
    expect(verdict).toMatchObject({ expectedAmount: "4800", creditBonus: "480" });
  });

  it("lets the customer keep a low-value line: no shipment, no fees", () => {
    const policy = { ...auto, keepItemUpTo: "500", returnShippingFee: "700", restockingFeePercent: 10 };
    const verdict = decideReturn(order(), wish([{ lineItemId: "L2", quantity: 2, reasonHandle: "x" }]), policy, NOW);
    expect(verdict).toMatchObject({ noShipment: true, expectedAmount: "1000", shippingFee: "0", restockingFee: "0" });
    expect(verdict.reasons).toContainEqual({ code: "keep_item", title: "Socks" });
    // 501 is not "at or under 500": it ships back.
    const dearer = order();
    dearer.lines[1]!.unitPrice = "501";
    expect(
      decideReturn(dearer, wish([{ lineItemId: "L2", quantity: 1, reasonHandle: "x" }]), policy, NOW).noShipment,
    ).toBe(false);
  });

  it("keeps cents in dollars", () => {
    const usd = order({ currency: "USD" });
    usd.lines[0]!.unitPrice = "19.99";
    const verdict = decideReturn(usd, wish([shirt()]), { ...auto, restockingFeePercent: 15 }, NOW);
    expect(verdict).toMatchObject({ restockingFee: "3.00", expectedAmount: "16.99" });
  });
});
