using Deploy.Tests.Support;

namespace Deploy.Tests;

public sealed class YamlFilesTests
{
    [Fact]
    public void Every_yaml_file_of_the_repository_parses()
    {
        var files = Repo.Files.Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).ToList();
        var failures = new List<string>();
        foreach (var file in files)
        {
            try
            {
                Yaml.File(file);
            }
            catch (InvalidDataException e)
            {
                failures.Add(e.Message);
            }
        }

        Assert.Contains("tye.yaml", files);
        Assert.Contains("deploy/kubernetes/base/kustomization.yaml", files);
        Assert.Empty(failures);
    }

    [Fact]
    public void A_file_that_is_not_yaml_is_reported_with_its_line() =>
        Assert.Contains("line 2", Assert.Throws<InvalidDataException>(() => Yaml.Documents("a: 1\nb: c: d\n", "broken.yaml")).Message, StringComparison.Ordinal);
}
