using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Omni.Functions.Hosting;
using Omni.Services;

// The production host. Everything Omni does lives in Omni.Services; this file only says what the host is made of.
// App settings use "__" (Omni__Storage__BlobServiceUri), which configuration reads as Omni:Storage:BlobServiceUri:
// the same keys Omni.Local reads.
var builder = FunctionsApplication.CreateBuilder(args);

builder.ConfigureFunctionsWebApplication();          // HTTP triggers take HttpRequest and return IResult
builder.UseMiddleware<ApiErrorMiddleware>();         // an unhandled HTTP failure answers in Omni's error shape
builder.Services.AddOmni(builder.Configuration);     // options, storage clients, pipeline services, HTTP handlers
builder.AddOmniTelemetry();                          // Application Insights, sent from the worker
builder.AddOmniStorageChecks();                      // plain queue names; create resources on a dev connection string

builder.Build().Run();
