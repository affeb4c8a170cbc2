using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reconciler.Storage.Compensation;

/// <summary>The queue's JSON: camelCase, as the HTTP API speaks it; absent optional fields are left out.</summary>
internal static class QueueJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
