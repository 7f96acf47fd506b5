using Omni.Relay.Worker;

// The Discord gateway relay as its own process (docs/relay.md). Settings: Omni:Instances:<name>:{Provider,BotToken,
// WebhookSecret} and Omni:Relay:* (OmniBaseUrl, StateDirectory, ...), from appsettings or the environment.
var app = RelayWorkerApp.Build(args);
await app.RunAsync();
