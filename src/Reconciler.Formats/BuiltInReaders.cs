using Reconciler.Formats.Platform;
using Reconciler.Formats.Providers;
using Reconciler.Formats.Vendors;

namespace Reconciler.Formats;

/// <summary>The readers this project ships, in the order the detector asks them to recognise a file.</summary>
public static class BuiltInReaders
{
    /// <summary>Creates the readers; the configured vendor mappings come last so a built-in layout always wins.</summary>
    public static IReadOnlyList<IFormatReader> Create(FormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<IFormatReader> readers =
        [
            new OrdersCsvReader(),
            new WeChatBillReader(),
            .. ProviderReaders.Create(options),
            new VendorCsvReader(),
            new FuluJsonlReader(),
        ];
        readers.AddRange(options.VendorMappings.Select(m => new MappedVendorCsvReader(m)));
        return readers;
    }
}
