/**
 * A creditor's API keys in the portal (issue 16): list (the key id only — the key itself is never stored), add one
 * (the caller generates it — `generateApiKey` at the HTTP edge — and hands over its id and hash), revoke one (the API
 * refuses it from then on). Only the tenant's own keys: another tenant's key id is "not found".
 */
import type { Clock } from "../../ports/clock";
import type { TenantStore } from "../../ports/tenant-store";

export interface ApiKeyView {
  keyId: string;
  /** From the key's prefix; null for a record that does not say. */
  environment: "live" | "test" | null;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export const API_KEY_LABEL_MAX = 60;

export type ApiKeyLabelProblem = "label-missing" | "label-too-long";

/** Why a label is not acceptable (1–60 characters after trimming, no control characters), or undefined. */
export function apiKeyLabelProblem(label: string): ApiKeyLabelProblem | undefined {
  const trimmed = label.trim();
  if (trimmed.length === 0 || /\p{Cc}/u.test(trimmed)) return "label-missing";
  if (trimmed.length > API_KEY_LABEL_MAX) return "label-too-long";
  return undefined;
}

export function makeListApiKeys(deps: { tenants: Pick<TenantStore, "listApiKeys"> }) {
  return async (tenantId: string): Promise<ApiKeyView[]> =>
    (await deps.tenants.listApiKeys(tenantId))
      .filter((k) => k.tenantId === tenantId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((k) => ({
        keyId: k.keyId,
        environment: k.environment ?? null,
        label: k.label ?? null,
        createdAt: k.createdAt,
        revokedAt: k.revokedAt ?? null,
      }));
}

export function makeAddApiKey(deps: { tenants: Pick<TenantStore, "addApiKey">; clock: Clock }) {
  return async (
    tenantId: string,
    key: { keyId: string; keyHash: string; environment: "live" | "test" },
    label: string,
  ): Promise<{ ok: true; key: ApiKeyView } | { ok: false; problem: ApiKeyLabelProblem }> => {
    const problem = apiKeyLabelProblem(label);
    if (problem) return { ok: false, problem };
    const createdAt = deps.clock.now().toISOString();
    await deps.tenants.addApiKey({
      keyId: key.keyId,
      tenantId,
      keyHash: key.keyHash,
      environment: key.environment,
      createdAt,
      label: label.trim(),
    });
    return {
      ok: true,
      key: { keyId: key.keyId, environment: key.environment, label: label.trim(), createdAt, revokedAt: null },
    };
  };
}

export function makeRevokeApiKey(deps: { tenants: Pick<TenantStore, "revokeApiKey">; clock: Clock }) {
  return async (tenantId: string, keyId: string): Promise<boolean> =>
    (await deps.tenants.revokeApiKey(tenantId, keyId, deps.clock.now())) !== undefined;
}

export type ListApiKeys = ReturnType<typeof makeListApiKeys>;
export type AddApiKey = ReturnType<typeof makeAddApiKey>;
export type RevokeApiKey = ReturnType<typeof makeRevokeApiKey>;
