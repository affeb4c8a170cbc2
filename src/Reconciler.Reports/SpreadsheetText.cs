namespace Reconciler.Reports;

/// <summary>Keeps a text cell from running as a formula when a spreadsheet opens the file (OWASP's CSV injection advice).</summary>
internal static class SpreadsheetText
{
    private const char Escape = '\'';

    public static string Neutralise(string value)
    {
        if (value.Length == 0 || !StartsLikeFormula(value[0]) || IsPlainNumber(value))
        {
            return value;
        }

        return Escape + value;
    }

    private static bool StartsLikeFormula(char first) => first is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// <summary>Whether the text is a number as an invariant decimal prints one: an optional minus, digits, an optional fraction.</summary>
    /// <remarks>A leading plus is not a plain number: nothing we format writes one, and "+1" is how a formula starts.</remarks>
    private static bool IsPlainNumber(string value)
    {
        var start = value[0] == '-' ? 1 : 0;
        var digits = 0;
        var point = -1;
        for (var i = start; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c == '.' && point < 0 && digits > 0)
            {
                point = i;
            }
            else
            {
                return false;
            }
        }

        return digits > 0 && point != value.Length - 1;
    }
}
