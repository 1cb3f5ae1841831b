// Key Vault in RBAC mode for the secrets the app must not keep in settings (operator API key, Vipps credentials) and
// for the partner connections' secrets the app writes itself (KEY_VAULT_URL; shared/adapters/key-vault/).
// This template creates no secret values: the settings' secrets are set after deployment (see README), and the
// Function App reads them through Key Vault references resolved with its managed identity (Key Vault Secrets User);
// the partner secrets the app sets, reads and deletes with the same identity (Key Vault Secrets Officer).

@description('Key Vault name (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the vault.')
param tags object

@description('Principal id of the Function App identity; granted Key Vault Secrets User and Key Vault Secrets Officer.')
param principalId string

@description('Optional object id of a person or group who maintains the secrets; granted Key Vault Secrets Officer. Empty = none.')
param keyVaultOfficerPrincipalId string = ''

@description('Principal type of keyVaultOfficerPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param keyVaultOfficerPrincipalType string = 'Group'

var roleIds = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// The app writes and deletes the partner connections' secrets (PUT / DELETE /api/v1/partner-connection). Soft delete
// with purge protection stays on: a deleted partner secret is recoverable for 90 days, and the app never reuses a name.
resource appSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleIds.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsOfficer)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyVaultOfficerPrincipalId)) {
  name: guid(vault.id, keyVaultOfficerPrincipalId, roleIds.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsOfficer)
    principalId: keyVaultOfficerPrincipalId
    principalType: keyVaultOfficerPrincipalType
  }
}

output name string = vault.name
@description('https://<name>.vault.azure.net/ — ends with a slash.')
output vaultUri string = vault.properties.vaultUri
