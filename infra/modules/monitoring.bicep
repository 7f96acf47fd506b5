metadata name = 'Omni monitoring'
metadata description = 'Log Analytics workspace and a workspace-based Application Insights component with local (instrumentation-key) authentication disabled: telemetry is accepted only from Entra ID identities holding Monitoring Metrics Publisher.'

@description('Azure region for the workspace and the component.')
param location string

@description('Name of the Log Analytics workspace.')
@minLength(4)
@maxLength(63)
param workspaceName string

@description('Name of the Application Insights component.')
@minLength(1)
@maxLength(255)
param appInsightsName string

@description('Days Log Analytics keeps logs and traces (30 is included in the price; up to 730).')
@minValue(30)
@maxValue(730)
param retentionDays int

@description('Tags applied to both resources.')
param tags { *: string }

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionDays
    features: {
      // Workspace shared keys are not needed: App Insights writes through the platform, readers use Entra ID.
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Entra-only ingestion: the app sends APPLICATIONINSIGHTS_AUTHENTICATION_STRING (ClientId=...;Authorization=AAD).
    DisableLocalAuth: true
  }
}

@description('Name of the Application Insights component (the app reads its connection string through an existing reference).')
output appInsightsName string = appInsights.name

@description('Name of the Log Analytics workspace.')
output workspaceName string = workspace.name
