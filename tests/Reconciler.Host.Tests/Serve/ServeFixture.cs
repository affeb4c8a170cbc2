using Reconciler.Host.Tests.Support;

namespace Reconciler.Host.Tests.Serve;

/// <summary>One <c>serve</c> process over a schema of its own, shared by the tests of a class, with the 2026-11-20 sample inbox.</summary>
public sealed class ServeFixture : IAsyncLifetime
{
    private CliSandbox? _sandbox;
    private ServeProcess? _serve;

    public CliSandbox Sandbox => _sandbox ?? throw new InvalidOperationException("not started");

    public ServeProcess Serve => _serve ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _sandbox = await CliSandbox.CreateAsync();
        _serve = await ServeProcess.StartAsync(_sandbox, ServeProcess.Environment(_sandbox, SampleDay.November20.Inbox));
    }

    public async Task DisposeAsync()
    {
        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await ServeProcess.DropHangfireSchemaAsync(_sandbox);
            await _sandbox.DisposeAsync();
        }
    }
}
