using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Reconciler.Testing;

/// <summary>A real HTTP endpoint on 127.0.0.1 (a free port) that records each POST and answers with the next status of a script.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<HttpStatusCode> _answers = new();
    private readonly Task _loop;

    private WebhookReceiver(int port)
    {
        Url = $"http://127.0.0.1:{port}/hooks/reconciler/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>Answers these statuses in order, then 200.</summary>
    public void AnswerWith(params HttpStatusCode[] statuses)
    {
        foreach (var status in statuses)
        {
            _answers.Enqueue(status);
        }
    }

    public static WebhookReceiver Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new WebhookReceiver(port);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var status = _answers.TryDequeue(out var next) ? next : HttpStatusCode.OK;
            Received.Enqueue(new ReceivedWebhook(
                context.Request.HttpMethod,
                context.Request.Headers["X-Reconciler-Event"],
                context.Request.Headers["X-Reconciler-Signature"],
                context.Request.ContentType,
                body.ToArray(),
                (int)status));
            context.Response.StatusCode = (int)status;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
