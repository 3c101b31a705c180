// /inbox/<id> — one conversation in the standalone inbox: the embedded
// inbox's own page component and actions (Etsy reply preparation, "mark
// sent", notes, status), for this account's shop only (another's id is a 404).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { db } from "../db.server.ts";
import { PRIVATE, standaloneConversation, standaloneConversationAction } from "../standalone/pages.server.ts";
import ConversationPage, { shouldRevalidate, type loader as embeddedLoader } from "./app.inbox_.$id.tsx";

type ConversationData = Awaited<ReturnType<typeof embeddedLoader>>;

export async function loader({ request, params }: LoaderFunctionArgs): Promise<ConversationData> {
  return standaloneConversation(db(), request, params.id);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const answer = await standaloneConversationAction(db(), request, params.id);
  return data(answer, { status: answer.status });
}

export const headers = () => PRIVATE;

export { shouldRevalidate };
export default ConversationPage;
