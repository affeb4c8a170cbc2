namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// A map for one order's few rows, reused from order to order: its entries sit in an array searched in turn (keys
/// compared with <see cref="EqualityComparer{T}.Default"/>, as a dictionary compares them, without hashing every
/// key's strings), and move into a dictionary once an order has more than <see cref="Searched"/> of them (a batch of
/// a hundred delivery rows stays linear). Entries are enumerated in the order they were added.
/// </summary>
internal sealed class SmallMap<TKey, TValue>
    where TKey : notnull
{
    /// <summary>How many entries are searched in turn before the map becomes a dictionary.</summary>
    internal const int Searched = 8;

    private readonly KeyValuePair<TKey, TValue>[] _small = new KeyValuePair<TKey, TValue>[Searched];
    private readonly Dictionary<TKey, int> _index = [];
    private readonly List<KeyValuePair<TKey, TValue>> _large = [];
    private int _count;
    private bool _indexed;

    public int Count => _indexed ? _large.Count : _count;

    public bool TryGetValue(TKey key, out TValue value)
    {
        var at = Find(key);
        if (at < 0)
        {
            value = default!;
            return false;
        }

        value = _indexed ? _large[at].Value : _small[at].Value;
        return true;
    }

    public TValue GetValueOrDefault(TKey key) => TryGetValue(key, out var value) ? value : default!;

    /// <summary>
    /// Sets the value of <paramref name="key"/>, adding it when it is new; an entry already there keeps the key it was
    /// added with, as a dictionary's does (keys equal but not alike, such as 1.0 and 1.00, stay as first seen).
    /// </summary>
    public void Set(TKey key, TValue value)
    {
        var at = Find(key);
        if (at >= 0)
        {
            if (_indexed)
            {
                _large[at] = new(_large[at].Key, value);
            }
            else
            {
                _small[at] = new(_small[at].Key, value);
            }

            return;
        }

        if (!_indexed && _count < Searched)
        {
            _small[_count++] = new(key, value);
            return;
        }

        if (!_indexed)
        {
            for (var i = 0; i < _count; i++)
            {
                _index[_small[i].Key] = i;
                _large.Add(_small[i]);
            }

            _indexed = true;
        }

        _index[key] = _large.Count;
        _large.Add(new(key, value));
    }

    /// <summary>The entry at <paramref name="position"/> (0 to <see cref="Count"/> − 1), in the order entries were added.</summary>
    public KeyValuePair<TKey, TValue> this[int position] => _indexed ? _large[position] : _small[position];

    public void Clear()
    {
        if (_indexed)
        {
            _index.Clear();
            _large.Clear();
            _indexed = false;
        }

        // The keys hold strings: cleared so that an order's rows are not kept alive by the next one's map.
        Array.Clear(_small, 0, _count);
        _count = 0;
    }

    private int Find(TKey key)
    {
        if (_indexed)
        {
            return _index.TryGetValue(key, out var at) ? at : -1;
        }

        var comparer = EqualityComparer<TKey>.Default;
        for (var i = 0; i < _count; i++)
        {
            if (comparer.Equals(_small[i].Key, key))
            {
                return i;
            }
        }

        return -1;
    }
}
