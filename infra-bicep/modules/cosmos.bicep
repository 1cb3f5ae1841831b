// Cosmos DB for NoSQL, serverless, keys disabled: the Function App reaches it with its managed identity through
// the built-in "Cosmos DB Built-in Data Contributor" SQL role.

// ---- The shape of cosmos-containers.json -------------------------------------------------------------------
// Mirrors the schema the dev host and the app check the file with (shared/adapters/cosmos/database.cosmos.ts).

type containerSpec = {
  id: string
  description: string?
  @description('Partition key path, e.g. /caseId (one path, hash partitioned, version 2).')
  partitionKeyPath: string
  @description('Each unique key is a list of paths whose combination is unique within a logical partition.')
  uniqueKeys: string[][]?
  @description('Absent: no TTL; -1: TTL on, items expire only by their own ttl; n: n seconds after the last write.')
  defaultTtlSeconds: int?
}

// ---- Parameters --------------------------------------------------------------------------------------------

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

@description('The containers, from cosmos-containers.json.')
param containers containerSpec[]

@description('Principal id of the Function App identity; granted Cosmos DB Built-in Data Contributor on the account.')
param principalId string

// Built-in data-plane role "Cosmos DB Built-in Data Contributor" (read/write items, queries; no account management).
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

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
  name: c.id
  properties: {
    resource: union(
      {
        id: c.id
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
      empty(c.?uniqueKeys ?? []) ? {} : { uniqueKeyPolicy: { uniqueKeys: map(c.?uniqueKeys ?? [], paths => { paths: paths }) } },
      c.?defaultTtlSeconds == null ? {} : { defaultTtl: c.?defaultTtlSeconds }
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
output containerNames array = map(containers, c => c.id)
