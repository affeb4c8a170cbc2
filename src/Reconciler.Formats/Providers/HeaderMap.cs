namespace Reconciler.Formats.Providers;

/// <summary>A header row: finds columns by name, so a provider adding or moving columns does not break a reader.</summary>
internal sealed class HeaderMap
{
    private readonly Dictionary<string, int> _columns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _twice = new(StringComparer.Ordinal);

    public HeaderMap(IReadOnlyList<string> header)
    {
        Count = header.Count;
        for (var i = 0; i < header.Count; i++)
        {
            var name = ProviderParsing.Clean(header[i]).TrimStart('\uFEFF');
            if (!_columns.TryAdd(name, i))
            {
                _twice.Add(name);
            }
        }
    }

    /// <summary>The number of cells of the header row; every data row must have as many.</summary>
    public int Count { get; }

    public bool Has(string name) => _columns.ContainsKey(name);

    public int? IndexOf(string name) => _columns.TryGetValue(name, out var index) ? index : null;

    /// <summary>The columns of <paramref name="required"/> the header lacks.</summary>
    public IReadOnlyList<string> Missing(IEnumerable<string> required) => [.. required.Where(name => !Has(name))];

    /// <summary>The columns of <paramref name="required"/> the header names more than once (which one holds the value?).</summary>
    public IReadOnlyList<string> Twice(IEnumerable<string> required) => [.. required.Where(_twice.Contains)];

    /// <summary>The cell of column <paramref name="name"/>, or null when the header has no such column or the row is short.</summary>
    public string? Cell(IReadOnlyList<string> row, string name) =>
        _columns.TryGetValue(name, out var index) && index < row.Count ? row[index] : null;
}
