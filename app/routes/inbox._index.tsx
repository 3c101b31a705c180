// /inbox — the standalone inbox's list: the embedded inbox's own page
// component, with this account's conversations (no cookie: to /inbox/login).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "../db.server.ts";
import { PRIVATE, standaloneInboxList } from "../standalone/pages.server.ts";
import Inbox, { type loader as embeddedLoader } from "./app.inbox.tsx";

type ListData = Awaited<ReturnType<typeof embeddedLoader>>;

export async function loader({ request }: LoaderFunctionArgs): Promise<ListData> {
  return standaloneInboxList(db(), request);
}

export const headers = () => PRIVATE;

export default Inbox;
