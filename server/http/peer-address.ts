import http from "node:http";
import https from "node:https";
import { PEER_HEADER } from "./client-address";

/**
 * Stamp every incoming request with its socket's address (PEER_HEADER), replacing whatever a client
 * sent under that name. `next start` runs its HTTP server in this process but hands route handlers
 * only a web Request; this is how the real peer address reaches them without a custom server.
 */
export function installPeerAddress() {
  for (const Server of [http.Server, https.Server]) {
    const proto = Server.prototype as {
      emit: (event: string | symbol, ...args: unknown[]) => boolean;
      __peerAddress?: boolean;
    };
    if (proto.__peerAddress) continue;
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const req = args[0] as http.IncomingMessage;
        req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? "";
      }
      return emit.call(this, event, ...args);
    };
    proto.__peerAddress = true;
  }
}
