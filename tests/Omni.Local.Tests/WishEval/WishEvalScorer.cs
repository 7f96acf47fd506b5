namespace Omni.Local.Tests.WishEval;

public enum EvalVerdict
{
    Correct,
    Wrong,
    Abstained,
}

/// <summary>
/// The scoring rule. An answer (not abstained) is <b>correct</b> when its evidence (the cited ids Omni verified against
/// what the tools returned) contains every id the question lists as evidence and none it lists as must-not-cite;
/// otherwise it is <b>wrong</b>. Any answer to a question whose right answer is to abstain is wrong. An abstention is
/// <b>correct</b> on such a question and <b>abstained</b> on the others. A wish that ends in an error (no answer at all) is abstained, whatever the question.
/// Points: correct +1, abstained 0, wrong −2: a wrong confident answer costs more than saying "I don't know".
/// </summary>
public static class WishEvalScorer
{
    public static int Points(EvalVerdict verdict) => verdict switch
    {
        EvalVerdict.Correct => 1,
        EvalVerdict.Abstained => 0,
        _ => -2,
    };

    public static (EvalVerdict Verdict, string Why) Score(
        bool expectAbstain, IReadOnlyCollection<string> expected, IReadOnlyCollection<string> mustNotCite, bool abstained, IReadOnlyCollection<string> evidence)
    {
        if (abstained)
        {
            return expectAbstain ? (EvalVerdict.Correct, "abstained, as it should") : (EvalVerdict.Abstained, "abstained on an answerable question");
        }

        if (expectAbstain)
        {
            return (EvalVerdict.Wrong, "answered a question the data cannot answer");
        }

        var missing = expected.Where(e => !evidence.Contains(e)).ToList();
        var forbidden = evidence.Where(mustNotCite.Contains).ToList();
        if (missing.Count > 0 || forbidden.Count > 0)
        {
            var why = new List<string>();
            if (missing.Count > 0)
            {
                why.Add($"missing {missing.Count} of {expected.Count} evidence ids");
            }

            if (forbidden.Count > 0)
            {
                why.Add($"cites {forbidden.Count} it must not");
            }

            return (EvalVerdict.Wrong, string.Join("; ", why));
        }

        return (EvalVerdict.Correct, $"cites all {expected.Count} evidence ids");
    }
}
