using Omni.Local;

var app = OmniLocalApp.Build(args);
await app.RunAsync();
