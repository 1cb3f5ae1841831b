// Cosmos DB for NoSQL, serverless, keys disabled: the Function App reaches it with its managed identity through
// the built-in "Cosmos DB Built-in Data Contributor" SQL role.

@description('Cosmos DB account name (3-44 lowercase letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(44)
param name string

@description('Azure region (the account\'s only write region).')
param location string

@description('Tags applied to the account.')
param tags object

@description('Name of the SQL database.')
param databaseName string = 'payment-follow-up'

@description('Seconds an idempotency record lives when it sets no ttl of its own (the container expires items by TTL).')
@minValue(1)
param idempotencyTtlSeconds int = 604800

@description('Principal id of the Function App identity; granted Cosmos DB Built-in Data Contributor on the account.')
param principalId string

// Built-in data-plane role "Cosmos DB Built-in Data Contributor" (read/write items, queries; no account management).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

// defaultTtl: omitted = no TTL; -1 = TTL on, items expire only when they set `ttl`; n = expire n s after last write.
var containers = [
  {
    name: 'cases'
    partitionKeyPath: '/caseId'
    defaultTtl: null
  }
  {
    name: 'tenants'
    partitionKeyPath: '/tenantId'
    defaultTtl: null
  }
  {
    name: 'idempotency'
    partitionKeyPath: '/key'
    defaultTtl: idempotencyTtlSeconds
  }
  {
    name: 'pay-links'
    partitionKeyPath: '/tokenHash'
    defaultTtl: null
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for c in containers: {
  parent: database
  name: c.name
  properties: {
    resource: union(
      {
        id: c.name
        partitionKey: {
          paths: [
            c.partitionKeyPath
          ]
          kind: 'Hash'
          version: 2
        }
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: [
            {
              path: '/*'
            }
          ]
          excludedPaths: [
            {
              path: '/"_etag"/?'
            }
          ]
        }
      },
      c.defaultTtl == null ? {} : { defaultTtl: c.defaultTtl }
    )
  }
}]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, principalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: principalId
    scope: account.id
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output containerNames array = map(containers, c => c.name)
