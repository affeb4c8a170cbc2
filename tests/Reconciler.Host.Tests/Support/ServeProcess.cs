using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Support;

/// <summary>
/// A real <c>reconciler serve</c> process on a free loopback port, against the sandbox's schema (and a Hangfire schema
/// beside it), with one API key per role; its console output is kept for the tests to read.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Now listening on: ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();
    private bool _disposed;

    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Uri? _baseAddress;

    private ServeProcess(Process process)
    {
        _process = process;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Where the process listens: the port Kestrel chose itself (port 0), as its log announced it.</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("serve is not listening yet");

    public HttpClient Http { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has ended (137 when SIGKILL ended it), else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The environment that configures serve for a sandbox: schemas, keys, fast job timings, no schedule firing during a test.</summary>
    public static Dictionary<string, string?> Environment(CliSandbox sandbox, string? inbox = null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var environment = new Dictionary<string, string?>(sandbox.Environment, StringComparer.Ordinal)
        {
            ["RECONCILER__Reconciler__Jobs__HangfireSchema"] = HangfireSchema(sandbox),
            ["RECONCILER__Reconciler__Jobs__InvisibilityTimeout"] = "00:00:10",
            ["RECONCILER__Reconciler__Jobs__QueuePollInterval"] = "00:00:01",
            ["RECONCILER__Reconciler__Jobs__RetryDelay"] = "00:00:02",
            ["RECONCILER__Reconciler__Jobs__CancellationCheckInterval"] = "00:00:01",
            ["RECONCILER__Reconciler__Jobs__SchedulePollingInterval"] = "00:00:01",
            ["RECONCILER__Reconciler__Jobs__ShutdownTimeout"] = "00:00:20",
            // Once a year at new year: nothing fires by itself while a test runs.
            ["RECONCILER__Reconciler__Schedule__Nightly"] = "0 0 1 1 *",
            ["RECONCILER__Reconciler__Schedule__InboxScan"] = "0 0 1 1 *",
            ["RECONCILER__Reconciler__Inbox"] = inbox ?? sandbox.PathOf("inbox"),
            ["RECONCILER__Reconciler__OutRoot"] = sandbox.PathOf("out"),
        };
        var index = 0;
        foreach (var (role, key) in Keys)
        {
            environment[$"RECONCILER__Reconciler__Api__Keys__{index}__Name"] = $"test-{role}";
            environment[$"RECONCILER__Reconciler__Api__Keys__{index}__KeySha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
            environment[$"RECONCILER__Reconciler__Api__Keys__{index}__Roles__0"] = role;
            index++;
        }

        return environment;
    }

    /// <summary>One fresh key per role for this test run (never written anywhere but the child's environment as a hash).</summary>
    public static IReadOnlyDictionary<string, string> Keys { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["finance"] = NewKey(),
        ["operator"] = NewKey(),
        ["compensation"] = NewKey(),
    };

    public static string HangfireSchema(CliSandbox sandbox) => sandbox.Database.Schema + "_hf";

    public static async Task<ServeProcess> StartAsync(CliSandbox sandbox, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = sandbox.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Port 0: Kestrel binds a free port itself. A port picked here and bound later can be taken meanwhile (by a
        // client socket, or by another serve started side by side), and /health would then reach the wrong server.
        foreach (var arg in new[] { CliProcess.CliDll, "serve", "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("RECONCILER", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("serve did not start");
        var serve = new ServeProcess(process);
        process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await serve.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        return serve;
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? role, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Keys[role]);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? role, object? json = null)
    {
        using var request = Request(method, path, role, json);
        return await Http.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path, string role = "operator")
    {
        using var response = await SendAsync(HttpMethod.Get, path, role);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, "GET {0} answered {1}", path, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asks for a run through the API and returns its id.</summary>
    public async Task<long> PostRunAsync(string date, string asOf, string reason = "test rerun")
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/runs", "operator", new { date, asOf, reason });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("runId").GetInt64();
    }

    /// <summary>Polls the run until <paramref name="done"/> holds; fails with the server output when it does not in time.</summary>
    public async Task<JsonElement> WaitForRunAsync(long runId, Func<JsonElement, bool> done, TimeSpan timeout, params ServeProcess[] others)
    {
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + timeout;
        JsonElement run = default;
        while (DateTime.UtcNow < deadline)
        {
            run = await GetJsonAsync($"/api/runs/{runId}");
            if (done(run))
            {
                return run;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException(
            $"run {runId} did not get there in {timeout.TotalSeconds:0} s; last seen {run}\n--- serve {ProcessId}\n{Output}" +
            string.Concat(others.Select(o => $"\n--- serve {o.ProcessId}\n{o.Output}")));
    }

    public static bool IsFinished(JsonElement run) => run.GetProperty("status").GetString() is "completed" or "failed";

    /// <summary>Waits for the process to end by itself.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, as when a machine dies.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Http.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>Drops the Hangfire schema the sandbox's serve processes created (the sandbox drops its own).</summary>
    public static Task DropHangfireSchemaAsync(CliSandbox sandbox) =>
        sandbox.Database.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{HangfireSchema(sandbox)}\" CASCADE");

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.AppendLine(line);
        }

        var announced = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
        if (announced >= 0 && Uri.TryCreate(line[(announced + ListeningPrefix.Length)..].Trim().TrimEnd('/') + "/", UriKind.Absolute, out var address))
        {
            _listening.TrySetResult(address);
        }
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_listening.Task.IsCompleted)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"serve exited with {_process.ExitCode} before it listened:\n{Output}");
            }

            await Task.WhenAny(_listening.Task, Task.Delay(200));
        }

        if (!_listening.Task.IsCompleted)
        {
            throw new TimeoutException($"serve did not listen within {timeout.TotalSeconds:0} s:\n{Output}");
        }

        _baseAddress = await _listening.Task;
        Http.BaseAddress = _baseAddress;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"serve exited with {_process.ExitCode} before it answered:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"serve did not answer /health within {timeout.TotalSeconds:0} s:\n{Output}");
    }

    private static string NewKey() => "rk_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
