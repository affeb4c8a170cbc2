namespace Reconciler.Web;

/// <summary>The body of every error answer: <c>{"error": "..."}</c>.</summary>
public sealed record ErrorBody(string Error);
