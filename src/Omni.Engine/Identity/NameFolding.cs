using System.Globalization;
using System.Text;

namespace Omni.Engine.Identity;

/// <summary>
/// Names folded for search: lower case, accents and other combining marks removed, runs of whitespace collapsed.
/// "Mãe" and "MAE" both fold to "mae"; "José  Núñez" to "jose nunez".
/// </summary>
public static class NameFolding
{
    public static string Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        // Omni runs with InvariantGlobalization, where string.Normalize leaves non-ASCII text as it is: so precomposed
        // Latin letters are mapped to their base letter by table, and combining marks (decomposed input) are dropped.
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            if (c >= LatinStart && c < LatinStart + LatinBase.Length && LatinBase[c - LatinStart] != '.')
            {
                sb.Append(LatinBase[c - LatinStart]);
            }
            else
            {
                sb.Append(Special(c) ?? char.ToLowerInvariant(c).ToString());
            }
        }

        return sb.ToString();
    }

    private const char LatinStart = '\u00c0';

    /// <summary>
    /// The base letter of each character from U+00C0 to U+024F (Latin-1 Supplement, Latin Extended-A and -B) that is a
    /// letter plus diacritics, '.' for the rest; generated from the Unicode canonical decompositions.
    /// </summary>
    private const string LatinBase =
        "aaaaaa.ceeeeiiii.nooooo..uuuuy..aaaaaa.ceeeeiiii.nooooo..uuuuy.y" +
        "aaaaaaccccccccdd..eeeeeeeeeegggggggghh..iiiiiiiii...jjkk.llllll." +
        "...nnnnnn...oooooo..rrrrrrsssssssstttt..uuuuuuuuuuuuwwyyyzzzzzz." +
        "................................oo.............uu..............." +
        ".............aaiioouuuuuuuuuu.aaaa....ggkkoooo..j...gg..nnaa...." +
        "aaaaeeeeiiiioooorrrruuuusstt..hh......aaeeooooooooyy............" +
        "................";

    /// <summary>Letters that are not a base letter plus a combining mark, so decomposition leaves them alone.</summary>
    private static string? Special(char c) => c switch
    {
        'ß' => "ss",
        'Æ' or 'æ' => "ae",
        'Œ' or 'œ' => "oe",
        'Ø' or 'ø' => "o",
        'Ð' or 'ð' => "d",
        'Þ' or 'þ' => "th",
        'Ł' or 'ł' => "l",
        'ı' => "i",
        _ => null,
    };
}
