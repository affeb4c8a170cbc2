namespace Reconciler.Formats;

/// <summary>Settings of the readers (section <c>Reconciler:Formats</c>).</summary>
public sealed class FormatOptions
{
    /// <summary>Other names the platform uses in <c>pay_channel</c>, mapped to a provider (e.g. <c>wxpay</c> → <c>wechat</c>).</summary>
    public Dictionary<string, string> ChannelAliases { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The Stripe payment metadata key that carries our order number (<c>payment_metadata[order_no]</c>).</summary>
    public string StripeOrderMetadataKey { get; set; } = "order_no";

    /// <summary>Vendor delivery logs described by configuration instead of code.</summary>
    public List<CsvVendorMapping> VendorMappings { get; init; } = [];

    /// <summary>Maps a platform channel name to its provider name, through the aliases.</summary>
    public string NormaliseChannel(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var trimmed = channel.Trim();
        return ChannelAliases.TryGetValue(trimmed, out var provider) ? provider : trimmed.ToLowerInvariant();
    }
}
