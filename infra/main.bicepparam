// Parameters for `az deployment group create -g <rg> -f infra/main.bicep -p infra/main.bicepparam`.
// Only names and numbers live here; secret values go straight into Key Vault (see infra/README.md).
using 'main.bicep'

param namePrefix = 'omni'

param tags = {
  application: 'omni'
  environment: 'prod'
}

param storageSku = 'Standard_ZRS'

// Raw webhook archive lifecycle: Cool after 30 days, deleted after a year.
param rawArchiveCoolAfterDays = 30
param rawArchiveDeleteAfterDays = 365

// Events (table rows, deleted by the app's retention job) and their oversize bodies.
param eventRetentionDays = 365

// One entry per provider connection named in the webhook URL: /api/webhooks/{provider}/{instance}.
param instances = [
  'whatsapp1'
]

// One entry per API key handed to an agent for the query endpoints.
param queryKeyNames = [
  'agent'
]

param keyVaultPurgeProtection = true

// Object ID of the person or group who will set the secrets; gets Key Vault Secrets Officer. Taken from the
// environment so it need not be committed: export OMNI_OPERATOR_PRINCIPAL_ID="$(az ad signed-in-user show --query id -o tsv)"
param operatorPrincipalId = readEnvironmentVariable('OMNI_OPERATOR_PRINCIPAL_ID', '')
