using System.Net;
using System.Text.Json;
using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests.Serve;

/// <summary>The HTTP API of a real <c>reconciler serve</c>: keys and roles, runs through the API, outputs, changes, OpenAPI.</summary>
public sealed class ServeApiTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private static readonly SampleDay Day = SampleDay.November20;

    /// <summary>Every endpoint that needs a key, with the roles that may call it.</summary>
    public static TheoryData<string, string, string> Protected => new()
    {
        { "GET", "/api/runs", "finance,operator" },
        { "POST", "/api/runs", "operator" },
        { "GET", "/api/runs/1", "finance,operator" },
        { "GET", "/api/runs/1/changes", "finance,operator" },
        { "GET", "/api/runs/1/mismatches.csv", "finance,operator" },
        { "GET", "/api/runs/1/report.html", "finance,operator" },
        { "GET", "/api/runs/1/summary.json", "finance,operator" },
        { "GET", "/hangfire", "operator" },
        { "GET", "/openapi/v1.json", "finance,operator,compensation" },
        { "GET", "/api/events", "finance,operator" },
        { "GET", "/api/orders/KM1/timeline", "finance,operator" },
        { "GET", "/api/incidents?date=2026-11-20", "finance,operator" },
        { "GET", "/api/compensations", "compensation" },
        { "POST", "/api/compensations/claim", "compensation" },
        { "POST", "/api/compensations/r1/complete", "compensation" },
        { "POST", "/api/compensations/r1/fail", "compensation" },
        { "POST", "/api/compensations/r1/extend", "compensation" },
    };

    private ServeProcess Serve => fixture.Serve;

    [Fact]
    public async Task Health_AnswersHealthy_WithoutKey()
    {
        using var response = await Serve.SendAsync(HttpMethod.Get, "/health", role: null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"status":"healthy"}""");
    }

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task Endpoint_Answers401WithJsonError_WithoutKeyOrWithUnknownKey(string method, string path, string roles)
    {
        _ = roles;
        using var none = await Serve.SendAsync(new HttpMethod(method), path, role: null, json: method == "POST" ? new { } : null);
        using var wrongRequest = ServeProcess.Request(new HttpMethod(method), path, role: null, json: method == "POST" ? new { } : null);
        wrongRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "rk_not_a_key");
        using var wrong = await Serve.Http.SendAsync(wrongRequest);

        foreach (var (response, reason) in new[] { (none, "an API key is required"), (wrong, "unknown API key") })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "{0} {1}", method, path);
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()
                .Should().Contain(reason);
        }
    }

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task Endpoint_Answers403WithJsonError_WhenTheKeysRoleMayNotCallIt(string method, string path, string roles)
    {
        var allowed = roles.Split(',');
        foreach (var role in ServeProcess.Keys.Keys.Except(allowed))
        {
            using var response = await Serve.SendAsync(new HttpMethod(method), path, role, json: method == "POST" ? new { date = "2026-11-20" } : null);

            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a {0} key may not {1} {2}", role, method, path);
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()
                .Should().Contain($"test-{role}");
        }
    }

    [Fact]
    public async Task Dashboard_Opens_ForAnOperatorKey()
    {
        using var response = await Serve.SendAsync(HttpMethod.Get, "/hangfire", "operator");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Reconciler jobs");
    }

    [Fact]
    public async Task PostRun_IsQueuedAtOnceAndFindsTheSampleDaysExpectedBreaks_WhenAnOperatorAsks()
    {
        using var response = await Serve.SendAsync(HttpMethod.Post, "/api/runs", "operator",
            new { date = Day.Date, asOf = Day.AsOf, reason = "finance asked after the late carrier file" });

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var queued = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        queued.GetProperty("status").GetString().Should().Be("queued");
        var runId = queued.GetProperty("runId").GetInt64();
        response.Headers.Location!.ToString().Should().Be($"/api/runs/{runId}");

        var run = await Serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(90));
        run.GetProperty("status").GetString().Should().Be("completed", run.ToString());
        run.GetProperty("trigger").GetString().Should().Be("api");
        run.GetProperty("requestedBy").GetString().Should().Be("test-operator");
        run.GetProperty("reason").GetString().Should().Be("finance asked after the late carrier file");
        run.GetProperty("date").GetString().Should().Be(Day.Date);
        run.GetProperty("asOf").GetDateTimeOffset().Should().Be(DateTimeOffset.Parse(Day.AsOf, System.Globalization.CultureInfo.InvariantCulture));
        run.GetProperty("attempts").GetInt32().Should().Be(1);
        run.GetProperty("hangfireJobId").GetString().Should().NotBeNullOrEmpty();

        var outDir = fixture.Sandbox.PathOf($"api-run-{runId}");
        Directory.CreateDirectory(outDir);
        foreach (var name in new[] { "mismatches.csv", "report.html", "summary.json" })
        {
            using var output = await Serve.SendAsync(HttpMethod.Get, $"/api/runs/{runId}/{name}", "finance");
            output.StatusCode.Should().Be(HttpStatusCode.OK, name);
            await File.WriteAllBytesAsync(Path.Combine(outDir, name), await output.Content.ReadAsByteArrayAsync());
        }

        // Other tests of this class may have run the date before: then every finding is still open instead of new.
        var counts = run.GetProperty("findings");
        var rows = Day.AssertMismatches(outDir, status: counts.GetProperty("open").GetInt64() > 0 ? "open" : "new");
        (counts.GetProperty("new").GetInt64() + counts.GetProperty("open").GetInt64()).Should().Be(rows.Count);
    }

    [Fact]
    public async Task Outputs_AreTheBytesTheRunWroteToItsOutFolder()
    {
        var runId = await Serve.PostRunAsync(Day.Date, Day.AsOf);
        await Serve.WaitForRunAsync(runId, ServeProcess.IsFinished, TimeSpan.FromSeconds(90));

        var folder = Directory.GetDirectories(fixture.Sandbox.PathOf(Path.Combine("out", Day.Date)), $"run-{runId}").Single();
        foreach (var name in new[] { "mismatches.csv", "report.html", "summary.json" })
        {
            using var output = await Serve.SendAsync(HttpMethod.Get, $"/api/runs/{runId}/{name}", "operator");
            (await output.Content.ReadAsByteArrayAsync()).Should().Equal(await File.ReadAllBytesAsync(Path.Combine(folder, name)), name);
        }
    }

    [Fact]
    public async Task Changes_ListTheFindingsStillOpen_WhenTheDateRunsAgain()
    {
        var first = await Serve.PostRunAsync(Day.Date, Day.AsOf);
        await Serve.WaitForRunAsync(first, ServeProcess.IsFinished, TimeSpan.FromSeconds(90));
        var second = await Serve.PostRunAsync(Day.Date, Day.AsOf);
        await Serve.WaitForRunAsync(second, ServeProcess.IsFinished, TimeSpan.FromSeconds(90));

        var changes = await Serve.GetJsonAsync($"/api/runs/{second}/changes", "finance");

        changes.GetProperty("previousRunId").GetInt64().Should().Be(first);
        changes.GetProperty("new").GetArrayLength().Should().Be(0);
        changes.GetProperty("open").EnumerateArray().Select(f => f.GetProperty("findingId").GetString())
            .Should().BeEquivalentTo(Day.ExpectedMismatches.Select(r => r["finding_id"]));
        var runs = await Serve.GetJsonAsync($"/api/runs?date={Day.Date}", "finance");
        runs.EnumerateArray().Select(r => r.GetProperty("runId").GetInt64()).Should().BeInDescendingOrder().And.Contain([first, second]);
    }

    [Theory]
    [InlineData("""{"date":"2026-13-40"}""", "is not a date")]
    [InlineData("""{"date":"2026-11-20","asOf":"yesterday"}""", "is not a time")]
    [InlineData("""{}""", "is not a date")]
    public async Task PostRun_Answers400WithTheReason_WhenTheRequestIsBad(string body, string reason)
    {
        using var request = ServeProcess.Request(HttpMethod.Post, "/api/runs", "operator");
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await Serve.Http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString().Should().Contain(reason);
    }

    [Fact]
    public async Task Run_Answers404WithJson_WhenItDoesNotExist()
    {
        using var response = await Serve.SendAsync(HttpMethod.Get, "/api/runs/987654", "finance");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()
            .Should().Be("run 987654 does not exist");
    }

    [Fact]
    public async Task OpenApi_DocumentsEveryApiEndpointAndNothingElse()
    {
        var document = await Serve.GetJsonAsync("/openapi/v1.json", "finance");

        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .ToList();
        documented.Should().BeEquivalentTo(
            "GET /health",
            "POST /api/runs",
            "GET /api/runs",
            "GET /api/runs/{runId}",
            "GET /api/runs/{runId}/changes",
            "GET /api/runs/{runId}/mismatches.csv",
            "GET /api/runs/{runId}/report.html",
            "GET /api/runs/{runId}/summary.json",
            "POST /api/compensations/claim",
            "POST /api/compensations/{requestId}/complete",
            "POST /api/compensations/{requestId}/fail",
            "POST /api/compensations/{requestId}/extend",
            "GET /api/compensations",
            "GET /api/events",
            "GET /api/orders/{orderNo}/timeline",
            "GET /api/incidents");
    }

    [Fact]
    public async Task Answers_CarrySecurityHeaders_AndABodyOverAMegabyteIsRefused()
    {
        using var health = await Serve.SendAsync(HttpMethod.Get, "/health", role: null);
        using var api = await Serve.SendAsync(HttpMethod.Get, "/api/runs", "finance");
        foreach (var response in new[] { health, api })
        {
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
            response.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
            response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("frame-ancestors 'none'");
        }

        using var huge = ServeProcess.Request(HttpMethod.Post, "/api/runs", "operator");
        huge.Content = new StringContent("{\"date\":\"2026-11-20\",\"reason\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", System.Text.Encoding.UTF8, "application/json");
        // The server refuses by the declared length and closes the connection; a client still writing the 2 MB body
        // then failed with a broken pipe instead of reading the 413 (seen once in the suite). Asking first, as a
        // client sending large bodies should, it sends nothing the server has refused.
        huge.Headers.ExpectContinue = true;
        using var refused = await Serve.Http.SendAsync(huge);
        refused.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Keys_NeverReachTheServersLog()
    {
        foreach (var role in ServeProcess.Keys.Keys)
        {
            using var response = await Serve.SendAsync(HttpMethod.Get, "/api/runs", role);
        }

        var output = Serve.Output;
        foreach (var key in ServeProcess.Keys.Values)
        {
            output.Should().NotContain(key);
        }
    }
}
