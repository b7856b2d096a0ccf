import type { Locale } from "../config";
import account from "./account";
import auth from "./auth";
import channels from "./channels";
import common from "./common";
import dashboard from "./dashboard";
import entities from "./entities";
import errors from "./errors";
import fields from "./fields";
import finance from "./finance";
import financeDashboard from "./finance-dashboard";
import freightBills from "./freight-bills";
import imports from "./imports";
import inbound from "./inbound";
import inventory from "./inventory";
import masterData from "./master-data";
import nav from "./nav";
import orders from "./orders";
import outbound from "./outbound";
import returns from "./returns";
import roles from "./roles";
import production from "./production";
import settlements from "./settlements";

/**
 * Every namespace keeps its Chinese and English text side by side in one file, so a key added to one
 * language is visibly missing from the other (and a test checks they match).
 */
export const namespaces = { common, dashboard, nav, auth, account, roles, errors, fields, entities, imports, masterData, orders, channels, inventory, inbound, outbound, returns, production, finance, financeDashboard, settlements, freightBills } as const;

type Namespaces = typeof namespaces;
export type Messages = { [K in keyof Namespaces]: Namespaces[K]["zh-CN"] };

const cache = new Map<Locale, Messages>();

export function messagesFor(locale: Locale): Messages {
  let m = cache.get(locale);
  if (!m) {
    m = Object.fromEntries(Object.entries(namespaces).map(([k, v]) => [k, v[locale]])) as Messages;
    cache.set(locale, m);
  }
  return m;
}
