using Dapr.Workflow;
using WorkflowTestApp;

// Workers connect out to the sidecar (DAPR_GRPC_PORT from the runner); the app serves nothing itself.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(new Journal(builder.Configuration["WORKFLOW_JOURNAL"]
    ?? throw new InvalidOperationException("WORKFLOW_JOURNAL names the file activities record their runs in")));
builder.Services.AddDaprWorkflow(options =>
{
    options.RegisterWorkflow<WaitForEverythingWorkflow>();
    options.RegisterActivity<QuickActivity>();
    options.RegisterActivity<SlowActivity>();
});
await builder.Build().RunAsync();
