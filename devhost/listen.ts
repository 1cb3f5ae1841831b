import type { AddressInfo, Server } from "node:net";
import type { Server as HttpServer } from "node:http";

/** Starts `server` on host:port (0 = any free port) and resolves with the port it got; rejects if the port is taken. */
export function listen(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops `server`: no new connections, open ones (keep-alive included) closed; resolves once it is closed. */
export function closeServer(server: HttpServer): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
