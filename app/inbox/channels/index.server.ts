// Every inbox channel by name: conversation actions look the adapter up here.
import type { Channel } from "../types.ts";
import type { ChannelAdapter } from "./channel.server.ts";
import { emailChannel } from "./email.server.ts";
import { etsyChannel } from "./etsy.server.ts";
import { orderPageChannel } from "./order-page.server.ts";
import { smsChannel } from "./sms.server.ts";

export const CHANNELS: Record<Channel, ChannelAdapter> = {
  email: emailChannel,
  sms: smsChannel,
  order_page: orderPageChannel,
  etsy: etsyChannel,
};

export function channelOf(name: string): ChannelAdapter | null {
  return Object.hasOwn(CHANNELS, name) ? CHANNELS[name as Channel] : null;
}
