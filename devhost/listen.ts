import type { AddressInfo, Server } from "node:net";

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
