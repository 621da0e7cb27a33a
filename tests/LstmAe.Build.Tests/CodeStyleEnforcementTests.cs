using System.Text;
using System.Text.RegularExpressions;

namespace LstmAe.Build.Tests;

/// <summary>
/// The repository's <c>.editorconfig</c> is enforced by the build: a project inside the repository with a private
/// field named without its underscore and a statement spread over two lines without braces fails to build with
/// exactly those two rules, and nothing else.
/// </summary>
[TestClass]
public sealed partial class CodeStyleEnforcementTests
{
    private static readonly string[] BrokenRules = ["IDE0011", "IDE1006"];

    private const string Probe = """
        namespace Probe;

        /// <summary>Breaks two rules.</summary>
        public sealed class Counter
        {
            private int count;

            /// <summary>Adds twice <paramref name="step"/> when positive.</summary>
            public int Next(int step)
            {
                if (step > 0)
                    count += step
                        * 2;
                return count;
            }
        }

        """;

    [TestMethod]
    public void NamingAndBraceRulesFailTheBuild()
    {
        // Inside the repository, so its Directory.Build.props and .editorconfig apply; obj/ is ignored by git.
        string folder = Path.Combine(ReadmeQuickStartTests.RepositoryRoot(), "tests", "LstmAe.Build.Tests", "obj",
            "style-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "Probe.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />\n", Encoding.UTF8);
            File.WriteAllText(Path.Combine(folder, "Probe.cs"), Probe.ReplaceLineEndings("\n"), Encoding.UTF8);

            (int exitCode, string output) = ReadmeQuickStartTests.RunDotnet(folder, TimeSpan.FromMinutes(5),
                "build", "Probe.csproj", "-c", "Release", "-nologo");

            Assert.AreNotEqual(0, exitCode, output);
            string[] rules = ErrorCode().Matches(output).Select(m => m.Groups["rule"].Value).Distinct().Order().ToArray();
            CollectionAssert.AreEqual(BrokenRules, rules, output);
            StringAssert.Contains(output, "Probe.cs(6,", "the field's line");
            StringAssert.Contains(output, "Probe.cs(11,", "the if statement's line");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"error (?<rule>[A-Z]+[0-9]+):")]
    private static partial Regex ErrorCode();
}
