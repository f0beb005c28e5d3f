using LocalSidecar.Components;
using LocalSidecar.Runner;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Tests;

/// <summary>https://docs.dapr.io/developing-applications/local-development/multi-app-dapr-run/multi-app-template/: the Multi-App Run file, its path rules and precedence.</summary>
public sealed class RunFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DaprHome => Path.Combine(_folder.Path, "home", ".dapr");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_minimal_app_takes_its_id_from_its_folder_and_the_defaults()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "apps", "orders"));
        var file = Load("""
            version: 1
            apps:
              - appDirPath: ./apps/orders/
            """);

        var app = Assert.Single(file.Apps);
        Assert.Equal("orders", app.AppId);
        Assert.Equal(Path.Combine(_folder.Path, "apps", "orders"), Path.TrimEndingDirectorySeparator(app.AppDirPath));
        Assert.Null(app.AppPort);
        Assert.Null(app.DaprHttpPort);
        Assert.Equal(("http", "127.0.0.1", "/healthz"), (app.AppProtocol, app.AppChannelAddress, app.AppHealthCheckPath));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(500), 3), (app.AppHealthProbeInterval, app.AppHealthProbeTimeout, app.AppHealthThreshold));
        Assert.Empty(app.Command);
        Assert.Empty(app.ResourcesPaths);
        Assert.Null(app.ConfigFilePath);
    }

    [Fact]
    public void App_fields_are_read_and_unknown_keys_ignored()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "catalog"));
        var file = Load("""
            version: 1
            name: shop
            somethingNew: {x: 1}
            apps:
              - appDirPath: catalog
                appID: catalog-api
                appPort: 5101
                daprHTTPPort: 3501
                daprGRPCPort: 50001
                command: ["dotnet", "run", "--no-build"]
                appChannelAddress: localhost
                enableAppHealthCheck: true
                appHealthCheckPath: /health/ready
                appHealthProbeInterval: 2
                appHealthProbeTimeout: 250
                appHealthThreshold: 4
                logLevel: debug
                containerImage: ignored
            """);

        Assert.Equal("shop", file.Name);
        var app = Assert.Single(file.Apps);
        Assert.Equal(("catalog-api", 5101, 3501, 50001), (app.AppId, app.AppPort, app.DaprHttpPort, app.DaprGrpcPort));
        Assert.Equal(["dotnet", "run", "--no-build"], app.Command);
        Assert.Equal("localhost", app.AppChannelAddress);
        Assert.True(app.EnableAppHealthCheck);
        Assert.Equal("/health/ready", app.AppHealthCheckPath);
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250), 4), (app.AppHealthProbeInterval, app.AppHealthProbeTimeout, app.AppHealthThreshold));
        Assert.Equal(LogLevel.Debug, app.LogLevel);
    }

    [Fact]
    public void Common_fields_apply_to_apps_that_leave_them_unset_and_app_env_overrides_common_env()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "a"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "b"));
        var file = Load("""
            version: 1
            common:
              appProtocol: http
              logLevel: warn
              enableAppHealthCheck: true
              appHealthThreshold: 7
              env:
                SHARED: common
                OVERRIDDEN: common
            apps:
              - appDirPath: a
                env:
                  OVERRIDDEN: app
                  PORT_NUMBER: 42
              - appDirPath: b
                logLevel: error
                enableAppHealthCheck: false
            """);

        var (a, b) = (file.Apps[0], file.Apps[1]);
        Assert.Equal((LogLevel.Warning, true, 7), (a.LogLevel, a.EnableAppHealthCheck, a.AppHealthThreshold));
        Assert.Equal((LogLevel.Error, false, 7), (b.LogLevel, b.EnableAppHealthCheck, b.AppHealthThreshold));
        Assert.Equal(new Dictionary<string, string> { ["SHARED"] = "common", ["OVERRIDDEN"] = "app", ["PORT_NUMBER"] = "42" }, a.Env);
        Assert.Equal(new Dictionary<string, string> { ["SHARED"] = "common", ["OVERRIDDEN"] = "common" }, b.Env);
    }

    [Fact]
    public void Resources_come_from_the_app_then_its_dapr_folder_then_common_then_the_dapr_home()
    {
        foreach (var folder in new[] { "explicit/res", "explicit/more", "local/.dapr/resources", "fromcommon", "shared-res", "fromhome" })
        {
            Directory.CreateDirectory(Path.Combine(_folder.Path, folder));
        }

        var run = """
            version: 1
            common:
              resourcesPaths: [./shared-res]
            apps:
              - appDirPath: explicit
                resourcesPath: res
                resourcesPaths: [more]
              - appDirPath: local
              - appDirPath: fromcommon
            """;
        var file = Load(run);
        Assert.Equal([Path.Combine(_folder.Path, "explicit", "res"), Path.Combine(_folder.Path, "explicit", "more")], file.Apps[0].ResourcesPaths);
        Assert.Equal([Path.Combine(_folder.Path, "local", ".dapr", "resources")], file.Apps[1].ResourcesPaths);
        Assert.Equal([Path.Combine(_folder.Path, "shared-res")], file.Apps[2].ResourcesPaths);

        Directory.CreateDirectory(Path.Combine(DaprHome, "components"));
        var withoutCommon = Load("""
            version: 1
            apps:
              - appDirPath: fromhome
            """);
        Assert.Equal([Path.Combine(DaprHome, "components")], Assert.Single(withoutCommon.Apps).ResourcesPaths);
    }

    [Fact]
    public void The_config_file_comes_from_the_app_then_its_dapr_folder_then_common_then_the_dapr_home()
    {
        _folder.Write("explicit/app-config.yaml", "kind: Configuration");
        _folder.Write("local/.dapr/config.yaml", "kind: Configuration");
        _folder.Write("common-config.yaml", "kind: Configuration");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "fromcommon"));
        var file = Load("""
            version: 1
            common:
              configFilePath: common-config.yaml
            apps:
              - appDirPath: explicit
                configFilePath: app-config.yaml
              - appDirPath: local
              - appDirPath: fromcommon
            """);
        Assert.Equal(Path.Combine(_folder.Path, "explicit", "app-config.yaml"), file.Apps[0].ConfigFilePath);
        Assert.Equal(Path.Combine(_folder.Path, "local", ".dapr", "config.yaml"), file.Apps[1].ConfigFilePath);
        Assert.Equal(Path.Combine(_folder.Path, "common-config.yaml"), file.Apps[2].ConfigFilePath);

        Directory.CreateDirectory(DaprHome);
        File.WriteAllText(Path.Combine(DaprHome, "config.yaml"), "kind: Configuration");
        var withoutCommon = Load("""
            version: 1
            apps:
              - appDirPath: fromcommon
            """);
        Assert.Equal(Path.Combine(DaprHome, "config.yaml"), Assert.Single(withoutCommon.Apps).ConfigFilePath);
    }

    [Fact]
    public void Absolute_paths_are_used_as_they_are_and_a_folder_means_its_dapr_yaml()
    {
        var elsewhere = Path.Combine(_folder.Path, "elsewhere", "svc");
        Directory.CreateDirectory(elsewhere);
        _folder.Write("run/dapr.yaml", $"""
            version: 1
            apps:
              - appDirPath: {elsewhere}
            """);
        var file = RunFile.Load(Path.Combine(_folder.Path, "run"), DaprHome);
        Assert.Equal(Path.Combine(_folder.Path, "run", "dapr.yaml"), file.FilePath);
        Assert.Equal(elsewhere, Assert.Single(file.Apps).AppDirPath);
    }

    [Theory]
    [InlineData("apps:\n  - appDirPath: svc\n", "version", "is required")]
    [InlineData("version: 0\napps:\n  - appDirPath: svc\n", "version", "positive")]
    [InlineData("version: one\napps:\n  - appDirPath: svc\n", "version", "not a whole number")]
    [InlineData("version: 1\n", "apps", "no apps")]
    [InlineData("version: 1\napps: []\n", "apps", "no apps")]
    [InlineData("version: 1\napps:\n  - appID: x\n", "apps[0].appDirPath", "is required")]
    [InlineData("version: 1\napps:\n  - appDirPath: missing\n", "apps[0].appDirPath", "does not exist")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n    resourcesPaths: [nope]\n", "apps[0].resourcesPaths", "does not exist")]
    [InlineData("version: 1\ncommon:\n  resourcesPath: nope\napps:\n  - appDirPath: svc\n", "common.resourcesPath", "does not exist")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n    configFilePath: nope.yaml\n", "apps[0].configFilePath", "does not exist")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n    appPort: http\n", "apps[0].appPort", "not a whole number")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n    daprHTTPPort: 70000\n", "apps[0].daprHTTPPort", "not a port")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n    appProtocol: grpc\n", "apps[0].appProtocol", "only http")]
    [InlineData("version: 1\ncommon:\n  appProtocol: soap\napps:\n  - appDirPath: svc\n", "common.appProtocol", "not one of")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n    logLevel: loud\n", "apps[0].logLevel", "not one of")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n    appHealthThreshold: 0\n", "apps[0].appHealthThreshold", "greater than 0")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n    enableAppHealthCheck: maybe\n", "apps[0].enableAppHealthCheck", "true or false")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n    command: python3 app.py\n", "apps[0].command", "expected a list")]
    [InlineData("version: 1\napps:\n  - appDirPath: svc\n  - appDirPath: svc\n", "apps", "more than one app")]
    public void A_bad_run_file_is_an_error_naming_the_file_and_the_field(string yaml, string field, string problem)
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "svc"));
        var error = Assert.Throws<ResourceException>(() => Load(yaml));
        Assert.Contains(Path.Combine(_folder.Path, "dapr.yaml"), error.Message);
        Assert.Contains($"field '{field}'", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_missing_run_file_or_invalid_yaml_is_an_error_naming_the_file()
    {
        var missing = Assert.Throws<ResourceException>(() => RunFile.Load(Path.Combine(_folder.Path, "absent.yaml"), DaprHome));
        Assert.Contains("absent.yaml", missing.Message);
        var invalid = Assert.Throws<ResourceException>(() => Load("version: 1\napps: [\n"));
        Assert.Contains("dapr.yaml", invalid.Message);
        Assert.Contains("invalid YAML", invalid.Message);
    }

    private RunFile Load(string yaml) => RunFile.Load(_folder.Write("dapr.yaml", yaml), DaprHome);
}
