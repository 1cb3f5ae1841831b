// shim for functions/, removed at merge: the case id is derived in shared/domain/case-id.ts.
export * from "../domain/case-id";
