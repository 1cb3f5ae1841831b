// shim for functions/, removed at merge: the errors the ports promise live in shared/ports/errors.ts.
export * from "../ports/errors";
