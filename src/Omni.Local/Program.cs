using Omni.Local;
using Omni.Services.Http;

// scripts/openapi.sh: write the OpenAPI document (generated from ApiRoutes and its data files) to a file and stop.
if (args is ["--write-openapi", var file])
{
    await File.WriteAllTextAsync(file, OpenApiDocument.Json);
    return;
}

var app = OmniLocalApp.Build(args);
await app.RunAsync();
