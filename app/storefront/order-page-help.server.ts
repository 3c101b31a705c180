// POST /proxy/orders/<id>/help?t=… (answer=<id>): the customer opened one of
// the seller's self-help answers on their order page — counted, so the
// Analytics page can show which answers are read. Sent by the page's beacon
// once per answer per page view; nothing is shown, nothing personal stored.
import { openOrderRequest } from "./order-lookup.server.ts";
import { field, readForm, type OrderPageDeps, type RequestInfo } from "./order-page-context.server.ts";

export async function handleHelpRead(
  request: Request,
  deps: OrderPageDeps,
  info: RequestInfo & { orderId: string },
): Promise<Response> {
  const opened = await openOrderRequest(request, deps, info);
  if (opened instanceof Response) return opened;
  const { req } = opened;
  const read = await readForm(request, 1024);
  if (!read.ok) return new Response(null, { status: read.status });
  const answer = field(read.form, "answer");
  if (!/^\d{1,10}$/.test(answer)) return new Response("answer must be an answer's id", { status: 400 });
  // Scoped to the verified shop: another shop's answer id counts nothing.
  const counted = await deps.db.selfHelpAnswer.updateMany({
    where: { shop: req.shop, id: Number(answer) },
    data: { reads: { increment: 1 } },
  });
  return new Response(null, { status: counted.count ? 204 : 404 });
}
